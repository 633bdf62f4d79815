//! The HTML report: one self-contained page (inline CSS and SVG charts, no scripts, no
//! external requests) rendered from the same [`Report`] model as the PDF. Every piece of
//! data is escaped.

use std::collections::HashMap;
use std::fmt::Write;

use super::fonts::FAMILY;
use super::model::{Report, Table};

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Drop the XML declaration so an SVG document can be inlined in HTML.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

fn table(out: &mut String, t: &Table) {
    if let Some(c) = &t.caption {
        let _ = writeln!(out, "<h3>{}</h3>", escape(c));
    }
    out.push_str("<table>\n<thead><tr>");
    for (h, a) in t.header.iter().zip(&t.align) {
        let _ = write!(out, "<th class=\"{a}\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (row, muted) in t.rows.iter().zip(&t.muted) {
        out.push_str(if *muted {
            "<tr class=\"muted\">"
        } else {
            "<tr>"
        });
        for (c, a) in row.iter().zip(&t.align) {
            let _ = write!(out, "<td class=\"{a}\">{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Render the page. `charts` maps a section's chart path to its SVG text.
pub fn render(r: &Report, charts: &HashMap<String, String>, logo: Option<&[u8]>) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} {period}</title>\n<style>\n{css}</style>\n</head>\n<body>\n<main>\n",
        lang = if r.lang == "zh" { "zh-CN" } else { "en" },
        title = escape(&r.title),
        period = escape(&r.period),
        css = CSS.replace("{FAMILY}", FAMILY).replace("{ACCENT}", &accent(&r.accent)),
    );
    o.push_str("<header>\n");
    if let Some(uri) = logo.and_then(data_uri) {
        let _ = writeln!(o, "<img class=\"logo\" src=\"{uri}\" alt=\"\">");
    }
    let _ = write!(
        o,
        "<p class=\"org\">{}</p>\n<h1>{}</h1>\n<p class=\"period\">{}</p>\n<dl>",
        escape(&r.org),
        escape(&r.title),
        escape(&r.period_long)
    );
    for (k, v) in &r.cover {
        let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    o.push_str("</dl>\n</header>\n");
    let _ = write!(
        o,
        "<section>\n<h2>1. {}</h2>\n<div class=\"headlines\">\n",
        escape(&r.headlines_title)
    );
    for h in &r.headlines {
        let _ = writeln!(
            o,
            "<div class=\"headline\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"detail\">{}</div></div>",
            escape(&h.label),
            escape(&h.value),
            escape(&h.detail)
        );
    }
    o.push_str("</div>\n");
    if !r.findings.is_empty() {
        let _ = write!(
            o,
            "<h3>{}</h3>\n<ol class=\"findings\">\n",
            escape(&r.findings_title)
        );
        for f in &r.findings {
            let _ = writeln!(o, "<li>{}</li>", escape(f));
        }
        o.push_str("</ol>\n");
    }
    o.push_str("</section>\n");
    for (i, s) in r.sections.iter().enumerate() {
        let _ = write!(o, "<section>\n<h2>{}. {}</h2>\n", i + 2, escape(&s.title));
        if let Some(intro) = &s.intro {
            let _ = writeln!(o, "<p>{}</p>", escape(intro));
        }
        for c in &s.charts {
            if let Some(svg) = charts.get(&c.path) {
                let _ = writeln!(
                    o,
                    "<figure style=\"max-width:{:.0}%\">{}<figcaption>{}</figcaption></figure>",
                    c.width_cm / 17.0 * 100.0,
                    inline_svg(svg),
                    escape(&c.caption)
                );
            }
        }
        for t in &s.tables {
            table(&mut o, t);
        }
        for n in &s.notes {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(n));
        }
        o.push_str("</section>\n");
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

/// The accent colour if it is `#rrggbb` (config validates it), else the default: it goes
/// into CSS, so nothing else may pass.
fn accent(a: &str) -> String {
    if a.len() == 7 && a.starts_with('#') && a[1..].chars().all(|c| c.is_ascii_hexdigit()) {
        a.to_string()
    } else {
        "#1f5e9e".into()
    }
}

/// A logo as a `data:` URI (PNG, JPEG, GIF or SVG, by their first bytes); `None` for
/// anything else, so an unknown file is left out rather than shown broken.
fn data_uri(bytes: &[u8]) -> Option<String> {
    let mime = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else if String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).contains("<svg") {
        "image/svg+xml"
    } else {
        return None;
    };
    Some(format!("data:{mime};base64,{}", base64(bytes)))
}

/// Standard base64 with padding (RFC 4648 §4), by the `base64` crate.
fn base64(bytes: &[u8]) -> String {
    use ::base64::Engine;
    ::base64::engine::general_purpose::STANDARD.encode(bytes)
}

const CSS: &str = r#"body { margin: 0; background: #f3f5f8; color: #222; font: 15px/1.6 "{FAMILY}", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 960px; margin: 0 auto; background: #fff; padding: 2rem 2.5rem 3rem; }
header { border-bottom: 3px solid {ACCENT}; margin-bottom: 1.5rem; }
header .org { color: #777; margin: 0; }
header .logo { max-height: 3rem; display: block; margin-bottom: .5rem; }
h1 { color: {ACCENT}; font-size: 1.9rem; margin: .2rem 0; }
header .period { font-size: 1.2rem; margin: 0 0 .6rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; color: #444; }
dt { color: #777; } dd { margin: 0; }
h2 { color: {ACCENT}; border-bottom: 1px solid #dde5ee; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.headlines { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: .8rem; }
.headline { background: #f4f8fc; border: 1px solid #c8d6e5; border-radius: 4px; padding: .7rem .9rem; }
.headline .label { color: #777; font-size: .85rem; }
.headline .value { color: {ACCENT}; font-size: 1.6rem; font-weight: bold; }
.headline .detail { font-size: .85rem; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; }
figure svg text { font-family: "{FAMILY}", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
figcaption { text-align: center; color: #555; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-bottom: .8rem; }
th { border-bottom: 1.5px solid #333; text-align: left; padding: .3rem .5rem; }
td { border-bottom: 1px solid #e3e3e3; padding: .25rem .5rem; }
.right { text-align: right; font-variant-numeric: tabular-nums; }
tr.muted td { color: #999; }
.note { color: #777; font-size: .85rem; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        // RFC 4648 §10.
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o, "{i}");
        }
        assert!(data_uri(b"\x89PNG\r\n")
            .unwrap()
            .starts_with("data:image/png;base64,"));
        assert_eq!(data_uri(b"MZ not an image"), None);
        assert_eq!(accent("#ABCDEF"), "#ABCDEF");
        assert_eq!(accent("red;}body{display:none"), "#1f5e9e");
    }

    #[test]
    fn escapes_everything_that_could_be_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
