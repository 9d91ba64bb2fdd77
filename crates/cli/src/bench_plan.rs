//! `cakap bench plan`: the plan optimizer on one instance file, or on the deterministic
//! benchmark instances (docs/BENCHMARKS.md, "plan"). Every plan is validated by the
//! independent checker (`domain::plan::instance::check`) before its figures are printed.

use std::path::Path;

use cakap_domain::plan::instance::{Instance, Solution, check, generate};
use cakap_domain::plan::optimize::solve;

/// Reads an instance (JSON, or gzipped JSON when the name ends in `.gz`).
fn read(path: &Path) -> Result<Instance, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let text = if path.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut s)?;
        s
    } else {
        String::from_utf8(bytes)?
    };
    Ok(serde_json::from_str(&text)?)
}

fn solve_checked(inst: &Instance) -> Result<(Solution, u64), Box<dyn std::error::Error>> {
    let s = solve(inst);
    let cost = check(inst, &s).map_err(|e| format!("rencana tidak layak: {e:?}"))?;
    Ok((s, cost))
}

pub fn run(instance: Option<&Path>, out: Option<&Path>, write: Option<&Path>) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(path) = instance {
        let inst = read(path)?;
        let (s, cost) = solve_checked(&inst)?;
        eprintln!("objective {} · cost {} of {} · {:.3} s", s.objective, cost, inst.budget, s.seconds);
        let json = serde_json::to_string(&s)?;
        match out {
            Some(o) => std::fs::write(o, json)?,
            None => println!("{json}"),
        }
        return Ok(());
    }
    println!("| instance | seed | objective | cost / budget | seconds |");
    println!("|---|---:|---:|---:|---:|");
    for (cands, progs) in [(300usize, 30usize), (6000, 150)] {
        for seed in 1..=3u64 {
            let inst = generate(seed, cands, progs, 0.3);
            if let Some(dir) = write {
                std::fs::create_dir_all(dir)?;
                std::fs::write(dir.join(format!("plan-{cands}x{progs}-{seed}.json")), serde_json::to_string(&inst)?)?;
            }
            let (s, cost) = solve_checked(&inst)?;
            println!("| {cands} × {progs} | {seed} | {} | {:.1} % | {:.3} |", s.objective, cost as f64 * 100.0 / inst.budget as f64, s.seconds);
        }
    }
    Ok(())
}
