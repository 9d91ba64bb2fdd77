//! Server-rendered SVG charts (no script needed, print and phone friendly). Every label is
//! escaped; numbers are written in id-ID format. Each chart carries a <title> per mark so a
//! screen reader and a hover both tell the value, and the page puts the same numbers in a table.

use std::fmt::Write;

/// Width for row labels (≈ 7 px per character at 12 px), at most 320 px; and the label cut
/// to fit it with an ellipsis (the full text stays in the <title>).
fn label_width(labels: impl Iterator<Item = usize>) -> f64 {
    (labels.max().unwrap_or(0) as f64 * 7.0 + 14.0).clamp(80.0, 320.0)
}

fn fit(label: &str, width: f64) -> String {
    clip(label, ((width - 14.0) / 7.0) as usize)
}

/// At most `max` characters, the last one an ellipsis when cut.
fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max { label.to_string() } else { format!("{}…", label.chars().take(max.saturating_sub(1)).collect::<String>()) }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Linear blend of two #rrggbb colours.
fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Fill for a share 0–1 of "how bad": pale green → amber → red (a sequential scale that stays
/// readable in greyscale print).
pub fn heat_colour(share: f64) -> String {
    let (green, amber, red) = ((0xe8, 0xf5, 0xe9), (0xfd, 0xb8, 0x63), (0xc6, 0x28, 0x28));
    if share <= 0.5 { mix(green, amber, share * 2.0) } else { mix(amber, red, (share - 0.5) * 2.0) }
}

/// Fill for a series of ordered categories (the JPM bands, best first): dark green → amber →
/// red. Unlike [`heat_colour`], whose best end is nearly white (it carries a number on top), a
/// bar must stand out from the white page: every step keeps at least 3:1 against white (WCAG
/// non-text contrast).
pub fn band_colour(share: f64) -> String {
    let (green, amber, red) = ((0x2e, 0x7d, 0x32), (0xb2, 0x6a, 0x00), (0xc6, 0x28, 0x28));
    if share <= 0.5 { mix(green, amber, share * 2.0) } else { mix(amber, red, (share - 0.5) * 2.0) }
}

/// A heatmap cell: the shown text and the share 0–1 that colours it; None = no data.
pub struct Cell {
    pub text: String,
    pub share: Option<f64>,
    pub title: String,
}

/// Rows × columns heatmap; a row with a link makes its label a link (drill-down). `legend`
/// names the two ends of the colour scale (UI.md: a legend, and the number in every cell).
pub fn heatmap(rows: &[(String, Option<String>)], cols: &[String], cells: &[Vec<Cell>], caption: &str, legend: (&str, &str)) -> String {
    let (cell_w, cell_h, head_h) = (46.0, 28.0, 120.0);
    let label_w = label_width(rows.iter().map(|r| r.0.chars().count()));
    // Room on the right for the last column's slanted heading.
    let width = label_w + cell_w * cols.len() as f64 + head_h * 0.7;
    let height = head_h + cell_h * rows.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        // A group, not an image: its row labels are links (axe: nested-interactive).
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart heatmap" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-label="{}" font-family="system-ui, sans-serif" font-size="12">"##,
        esc(caption)
    );
    // Legend, top left: the scale from low to high, and the fill of a cell without data.
    let _ = write!(
        s,
        r##"<defs><linearGradient id="heat-scale"><stop offset="0" stop-color="{}"/><stop offset="0.5" stop-color="{}"/><stop offset="1" stop-color="{}"/></linearGradient></defs><g class="legend"><rect x="8" y="8" width="120" height="10" fill="url(#heat-scale)"/><text x="8" y="32">{}</text><text x="128" y="32" text-anchor="end">{}</text><rect x="8" y="42" width="10" height="10" fill="#f2f3f5" stroke="#ccc"/><text x="22" y="51">tidak ada data</text></g>"##,
        heat_colour(0.0),
        heat_colour(0.5),
        heat_colour(1.0),
        esc(legend.0),
        esc(legend.1)
    );
    for (j, c) in cols.iter().enumerate() {
        let x = label_w + cell_w * j as f64 + cell_w / 2.0;
        let short = clip(c, 24);
        let _ =
            write!(s, r##"<text transform="translate({x},{}) rotate(-45)" text-anchor="start"><title>{}</title>{}</text>"##, head_h - 6.0, esc(c), esc(&short));
    }
    for (i, (label, href)) in rows.iter().enumerate() {
        let y = head_h + cell_h * i as f64;
        let short = fit(label, label_w);
        let text =
            format!(r##"<text x="{}" y="{}" text-anchor="end"><title>{}</title>{}</text>"##, label_w - 8.0, y + cell_h / 2.0 + 4.0, esc(label), esc(&short));
        match href {
            Some(h) => {
                let _ = write!(s, r##"<a href="{}" fill="#0b5394">{text}</a>"##, esc(h));
            }
            None => s.push_str(&text),
        }
        for (j, c) in cells[i].iter().enumerate() {
            let x = label_w + cell_w * j as f64;
            let fill = c.share.map(heat_colour).unwrap_or_else(|| "#f2f3f5".into());
            let ink = if c.share.is_some_and(|v| v > 0.7) { "#fff" } else { "#1d2433" };
            let _ = write!(
                s,
                r##"<g><title>{}</title><rect x="{x}" y="{y}" width="{}" height="{}" fill="{fill}" stroke="#fff"/><text x="{}" y="{}" text-anchor="middle" fill="{ink}">{}</text></g>"##,
                esc(&c.title),
                cell_w - 1.0,
                cell_h - 1.0,
                x + cell_w / 2.0,
                y + cell_h / 2.0 + 4.0,
                esc(&c.text)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal 100 % stacked bars: one per row, segments per series with their colours.
pub fn stacked_bars(rows: &[String], series: &[(String, &str)], counts: &[Vec<u32>], caption: &str) -> String {
    let (bar_w, bar_h, gap, legend_h) = (420.0, 18.0, 8.0, 28.0);
    let label_w = label_width(rows.iter().map(|r| r.chars().count()));
    let width = label_w + bar_w + 60.0;
    let height = legend_h + (bar_h + gap) * rows.len() as f64 + 6.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}" font-family="system-ui, sans-serif" font-size="12">"##,
        esc(caption)
    );
    let mut lx = label_w;
    for (name, colour) in series {
        let _ = write!(s, r##"<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/><text x="{}" y="16">{}</text>"##, lx + 16.0, esc(name));
        lx += 30.0 + name.chars().count() as f64 * 6.5;
    }
    for (i, label) in rows.iter().enumerate() {
        let y = legend_h + (bar_h + gap) * i as f64;
        let short = fit(label, label_w);
        let _ = write!(s, r##"<text x="{}" y="{}" text-anchor="end"><title>{}</title>{}</text>"##, label_w - 8.0, y + bar_h - 5.0, esc(label), esc(&short));
        let total: u32 = counts[i].iter().sum();
        let mut x = label_w;
        for (k, n) in counts[i].iter().enumerate() {
            if *n == 0 || total == 0 {
                continue;
            }
            let w = bar_w * f64::from(*n) / f64::from(total);
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="{bar_h}" fill="{}"><title>{}: {} pegawai</title></rect>"##,
                series[k].1,
                esc(&format!("{} – {}", label, series[k].0)),
                n
            );
            x += w;
        }
        let _ = write!(s, r##"<text x="{}" y="{}">{}</text>"##, label_w + bar_w + 6.0, y + bar_h - 5.0, total);
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_run_from_green_to_red() {
        assert_eq!(heat_colour(0.0), "#e8f5e9");
        assert_eq!(heat_colour(0.5), "#fdb863");
        assert_eq!(heat_colour(1.0), "#c62828");
        assert_eq!(heat_colour(7.0), "#c62828");
    }

    /// The defect: the "Optimal" bar was drawn in the heatmap's palest green, nearly invisible.
    #[test]
    fn band_colours_stand_out_from_white() {
        let luminance = |hex: &str| {
            let c = |i: usize| {
                let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        };
        for i in 0..=10 {
            let colour = band_colour(f64::from(i) / 10.0);
            let contrast = 1.05 / (luminance(&colour) + 0.05);
            assert!(contrast >= 3.0, "{colour} against white: {contrast:.2}");
        }
        assert!(1.05 / (luminance(&heat_colour(0.0)) + 0.05) < 1.5, "the heat scale's pale end is what bars must not use");
    }

    #[test]
    fn labels_are_escaped_and_cells_titled() {
        let svg = heatmap(
            &[("Bidang <Data> & Statistik".into(), Some("/akpk?unit=1".into()))],
            &["Integritas".into()],
            &[vec![Cell { text: "1,50".into(), share: Some(0.75), title: "Integritas: rata-rata kesenjangan 1,50".into() }]],
            "Peta",
            ("0", "≥ 2 level"),
        );
        assert!(svg.contains("url(#heat-scale)") && svg.contains("≥ 2 level") && svg.contains("tidak ada data"), "legend");
        assert!(svg.contains("Bidang &lt;Data&gt; &amp; Statistik"));
        assert!(!svg.contains("<Data>"));
        assert!(svg.contains(r##"href="/akpk?unit=1""##));
        assert!(svg.contains(&heat_colour(0.75)));
        assert!(svg.contains("rata-rata kesenjangan 1,50"));
    }

    #[test]
    fn bars_are_proportional() {
        assert_eq!(fit("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", 100.0), "Badan Kepeg…", "12 characters fit in 100 px");
        let svg = stacked_bars(&["Unit A".into()], &[("Optimal".into(), "#2e7d32"), ("Kurang".into(), "#c62828")], &[vec![3, 1]], "JPM");
        assert!(svg.contains(r##"width="315.0""##), "3 of 4 of 420 px");
        assert!(svg.contains(r##"width="105.0""##));
        assert!(svg.contains("Unit A – Optimal: 3 pegawai"));
    }
}
