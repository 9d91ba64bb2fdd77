//! `cakap bench rollup`: times the roll-up engine (crates/domain/src/rollup.rs) on synthetic
//! national data, against the memory-bandwidth floor of its own arrays, and writes/reads the
//! same data as raw little-endian column files (`unit.u32`, `tenant.u16`, `comp.u8`,
//! `actual.u8`, `required.u8`) so peers can run identical SQL on it.

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::time::Instant;

use cakap_domain::rollup::{Agg, Columns, Engine};

use crate::bench::best_of;
use cakap_store::demo::Rng;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub struct Data {
    pub unit: Vec<u32>,
    pub tenant: Vec<u16>,
    pub comp: Vec<u8>,
    pub actual: Vec<u8>,
    pub required: Vec<u8>,
}

/// Deterministic national data: tenants of Zipf-like sizes, units spread over tenants in
/// proportion, employees drawn in random order (so rows arrive in random unit order, as from a
/// database), `comps` rows each.
pub fn generate(employees: u64, comps: u8, tenants: u32, units: u32, seed: u64) -> Data {
    let mut rng = Rng(seed | 1);
    // Tenant weights ~ 1/(rank^0.8): a few big ministries and provinces, many small kota.
    let weights: Vec<f64> = (1..=tenants).map(|r| 1.0 / (r as f64).powf(0.8)).collect();
    let total: f64 = weights.iter().sum();
    let mut unit_tenant = Vec::with_capacity(units as usize);
    for (t, w) in weights.iter().enumerate() {
        let n = ((w / total) * units as f64).round().max(1.0) as usize;
        unit_tenant.extend(std::iter::repeat_n(t as u16, n));
    }
    unit_tenant.truncate(units as usize);
    while unit_tenant.len() < units as usize {
        unit_tenant.push((tenants - 1) as u16);
    }
    // Unit sizes vary too: pick units with a squared-uniform skew.
    let n = (employees * u64::from(comps)) as usize;
    let mut d = Data {
        unit: Vec::with_capacity(n),
        tenant: Vec::with_capacity(n),
        comp: Vec::with_capacity(n),
        actual: Vec::with_capacity(n),
        required: Vec::with_capacity(n),
    };
    for _ in 0..employees {
        let x = rng.below(1 << 20) as f64 / (1u64 << 20) as f64;
        let u = ((x * x) * units as f64) as u32 % units;
        let t = unit_tenant[u as usize];
        let base = [1u8, 1, 1, 2, 2, 3, 3, 4][rng.below(8)];
        for c in 0..comps {
            let required = (base + u8::from(c % 5 == 0)).min(5);
            let r = rng.below(100);
            let actual = if r < 5 { 0 } else { (required as i64 + [-2, -1, -1, 0, 0, 0, 1][r % 7]).clamp(1, 5) as u8 };
            d.unit.push(u);
            d.tenant.push(t);
            d.comp.push(c);
            d.actual.push(actual);
            d.required.push(required);
        }
    }
    d
}

fn write_col(dir: &Path, name: &str, bytes: &[u8]) -> Res<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join(name))?);
    w.write_all(bytes)?;
    w.flush()?;
    Ok(())
}

pub fn write_files(dir: &Path, d: &Data) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let le32: Vec<u8> = d.unit.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_col(dir, "unit.u32", &le32)?;
    drop(le32);
    let le16: Vec<u8> = d.tenant.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_col(dir, "tenant.u16", &le16)?;
    write_col(dir, "comp.u8", &d.comp)?;
    write_col(dir, "actual.u8", &d.actual)?;
    write_col(dir, "required.u8", &d.required)?;
    Ok(())
}

pub fn read_files(dir: &Path) -> Res<Data> {
    let read = |name: &str| -> Res<Vec<u8>> {
        let mut v = vec![];
        std::fs::File::open(dir.join(name))?.read_to_end(&mut v)?;
        Ok(v)
    };
    let unit = read("unit.u32")?.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    let tenant = read("tenant.u16")?.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    Ok(Data { unit, tenant, comp: read("comp.u8")?, actual: read("actual.u8")?, required: read("required.u8")? })
}

/// Where the benchmark reads and writes files.
pub struct Files<'a> {
    pub data: Option<&'a Path>,
    pub out: Option<&'a Path>,
    pub results: Option<&'a Path>,
    pub json: Option<&'a Path>,
}

/// Sums of an [`Agg`] in the column order of the peers' SQL.
fn sums_csv(a: &Agg) -> String {
    format!("{},{},{},{},{},{},{},{}", a.rows, a.assessed, a.sum_actual, a.sum_required_assessed, a.sum_gap, a.with_gap, a.sum_met, a.sum_required)
}

const SUM_COLUMNS: &str = "rows,assessed,sum_actual,sum_required_assessed,sum_gap,with_gap,sum_met,sum_required";

/// Writes every non-empty group of each roll-up as CSV (keys, then the sums).
fn write_results(dir: &Path, e: &Engine) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let file = |name: &str, header: &str| -> Res<BufWriter<std::fs::File>> {
        let mut w = BufWriter::new(std::fs::File::create(dir.join(name))?);
        writeln!(w, "{header},{SUM_COLUMNS}")?;
        Ok(w)
    };
    let uc = e.by_unit_comp();
    let mut w = file("unit_comp.csv", "unit,comp")?;
    for (ui, u) in e.units.iter().enumerate() {
        for c in 0..e.n_comp {
            let a = uc.get(ui, c);
            if a.rows > 0 {
                writeln!(w, "{u},{c},{}", sums_csv(&a))?;
            }
        }
    }
    let mut w = file("comp.csv", "comp")?;
    for (c, a) in e.by_comp().iter().enumerate().filter(|(_, a)| a.rows > 0) {
        writeln!(w, "{c},{}", sums_csv(a))?;
    }
    let mut w = file("tenant_comp.csv", "tenant,comp")?;
    for (k, a) in e.by_tenant_comp().iter().enumerate().filter(|(_, a)| a.rows > 0) {
        writeln!(w, "{},{},{}", k / e.n_comp, k % e.n_comp, sums_csv(a))?;
    }
    let mut w = file("unit.csv", "unit")?;
    for (u, a) in e.units.iter().zip(e.by_unit()) {
        writeln!(w, "{u},{}", sums_csv(&a))?;
    }
    Ok(())
}

pub fn run(employees: u64, comps: u8, tenants: u32, units: u32, seed: u64, files: Files<'_>) -> Res<()> {
    let t0 = Instant::now();
    let d = match files.data {
        Some(dir) => read_files(dir)?,
        None => generate(employees, comps, tenants, units, seed),
    };
    println!("# cakap bench rollup: {} rows ({:.2} s to {})", d.unit.len(), t0.elapsed().as_secs_f64(), if files.data.is_some() { "read" } else { "generate" });
    if let Some(dir) = files.out {
        write_files(dir, &d)?;
        println!("column files written to {}", dir.display());
    }
    let rss_input = crate::bench::peak_rss_mb();
    let cols = Columns { unit: &d.unit, tenant: &d.tenant, comp: &d.comp, actual: &d.actual, required: &d.required };
    let t0 = Instant::now();
    let e = Engine::load(cols);
    let load = t0.elapsed().as_secs_f64();
    drop(d);
    println!(
        "load (cluster by unit and competency): {load:.3} s; engine arrays {} MB; {} units, {} tenants, {} competencies\n",
        e.bytes() >> 20,
        e.units.len(),
        e.n_tenant,
        e.n_comp
    );
    let (floor, _) = best_of(5, || e.touch());
    println!("| roll-up | groups | best of 5, ms | × floor |\n|---|---:|---:|---:|");
    println!("| memory floor (read every byte once) | - | {:.1} | 1.0 |", floor * 1e3);
    let (t_uc, r) = best_of(5, || e.by_unit_comp());
    println!("| unit × competency | {} | {:.1} | {:.1} |", r.cells.iter().filter(|c| c[0] > 0).count(), t_uc * 1e3, t_uc / floor);
    let (t_c, r) = best_of(5, || e.by_comp());
    println!("| competency (national) | {} | {:.1} | {:.1} |", r.len(), t_c * 1e3, t_c / floor);
    let (t_tc, r) = best_of(5, || e.by_tenant_comp());
    println!("| tenant × competency | {} | {:.1} | {:.1} |", r.iter().filter(|a| a.rows > 0).count(), t_tc * 1e3, t_tc / floor);
    let (t_u, r) = best_of(5, || e.by_unit());
    println!("| unit (JPM) | {} | {:.1} | {:.1} |", r.len(), t_u * 1e3, t_u / floor);
    let rss = crate::bench::peak_rss_mb();
    println!("\npeak RSS {rss:.0} MB (high-water mark before the engine was built, input columns and file writing: {rss_input:.0} MB)");
    if let Some(dir) = files.results {
        write_results(dir, &e)?;
        println!("results written to {}", dir.display());
    }
    if let Some(path) = files.json {
        let j = serde_json::json!({
            "rows": e.packed.len(), "load_s": load, "engine_bytes": e.bytes(), "peak_rss_mb": rss,
            "floor_ms": floor * 1e3, "unit_comp_ms": t_uc * 1e3, "comp_ms": t_c * 1e3, "tenant_comp_ms": t_tc * 1e3, "unit_ms": t_u * 1e3,
        });
        std::fs::write(path, serde_json::to_string_pretty(&j)?)?;
    }
    Ok(())
}
