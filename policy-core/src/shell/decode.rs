//! Static evaluation of pipeline producers: the output of `echo`, `printf`,
//! `cat`, `base64 -d`, `xxd -r -p`, `rev` and `tr` when their input is known,
//! so that `echo cm0gLXJmIC8= | base64 -d | sh` is seen as `rm -rf /`.

use base64::Engine as _;

/// Most bytes a static evaluation produces (larger outputs are "unknown").
const MAX_OUTPUT: usize = 256 * 1024;

/// The output of `program args` given `stdin`, when computable; `decoder` is
/// true when the program transformed its input (not just echoed a literal).
pub(crate) fn produce(
    program: &str,
    args: &[String],
    stdin: Option<&str>,
) -> Option<(String, bool)> {
    let out = match program {
        "echo" => (echo(args), false),
        "printf" => (printf(args)?, false),
        "cat" if args.iter().all(|a| a == "-") => (stdin?.to_string(), false),
        "base64" | "gbase64" => (base64_tool(args, stdin?)?, true),
        "openssl"
            if (args.first().map(String::as_str) == Some("base64")
                || args.iter().any(|a| a == "-base64" || a == "-a"))
                && args.iter().any(|a| a == "-d") =>
        {
            (decode_base64(stdin?)?, true)
        }
        "xxd" => (xxd(args, stdin?)?, true),
        "rev" if args.is_empty() => (rev(stdin?), true),
        "tr" => (tr(args, stdin?)?, true),
        _ => return None,
    };
    if out.0.len() > MAX_OUTPUT {
        return None;
    }
    Some(out)
}

fn echo(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut out = args[i..].join(" ");
    if escapes {
        out = backslash_escapes(&out).0;
    }
    if newline {
        out.push('\n');
    }
    out
}

/// Processes `\n`, `\t`, `\\`, `\xHH`, `\0NNN`/`\NNN` escapes (echo -e, printf); the
/// flag is true when `\c` stopped the output.
fn backslash_escapes(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('e') => out.push('\u{1b}'),
            Some('\\') => out.push('\\'),
            Some('c') => return (out, true),
            Some('x') => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            chars.next();
                            n += 1;
                        }
                        None => break,
                    }
                }
                if n == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
            }
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                let max = if d == '0' { 3 } else { 2 };
                let mut n = 0;
                while n < max {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(x) => {
                            v = v * 8 + x;
                            chars.next();
                            n += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v & 0xff).unwrap_or('\u{fffd}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn printf(args: &[String]) -> Option<String> {
    let mut args = args;
    if args.first().map(String::as_str) == Some("--") {
        args = &args[1..];
    }
    let (format, mut rest) = args.split_first()?;
    if format.starts_with("-v") {
        return None;
    }
    let mut out = String::new();
    loop {
        let mut consumed = 0;
        let mut chars = format.chars().peekable();
        let mut literal = String::new();
        while let Some(c) = chars.next() {
            if c != '%' {
                literal.push(c);
                continue;
            }
            let spec = chars.next()?;
            let (lit, stop) = backslash_escapes(&literal);
            out.push_str(&lit);
            if stop {
                return Some(out);
            }
            literal.clear();
            match spec {
                '%' => out.push('%'),
                's' | 'd' | 'i' | 'u' => {
                    let v = rest.get(consumed).map(String::as_str).unwrap_or("");
                    consumed += 1;
                    if spec == 's' {
                        out.push_str(v);
                    } else {
                        let n: i64 = if v.is_empty() { 0 } else { v.parse().ok()? };
                        out.push_str(&n.to_string());
                    }
                }
                'b' => {
                    let v = rest.get(consumed).map(String::as_str).unwrap_or("");
                    consumed += 1;
                    let (t, stop) = backslash_escapes(v);
                    out.push_str(&t);
                    if stop {
                        return Some(out);
                    }
                }
                'c' => {
                    let v = rest.get(consumed).map(String::as_str).unwrap_or("");
                    consumed += 1;
                    out.extend(v.chars().next());
                }
                _ => return None,
            }
        }
        let (lit, stop) = backslash_escapes(&literal);
        out.push_str(&lit);
        if stop || consumed == 0 || consumed >= rest.len() {
            return Some(out);
        }
        rest = &rest[consumed..];
        if out.len() > MAX_OUTPUT {
            return None;
        }
    }
}

fn decode_base64(input: &str) -> Option<String> {
    let clean: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let engine = base64::engine::general_purpose::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let bytes = engine.decode(clean.as_bytes()).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn base64_tool(args: &[String], stdin: &str) -> Option<String> {
    let decode = args.iter().any(|a| {
        a == "--decode"
            || (a.starts_with('-') && !a.starts_with("--") && (a.contains('d') || a.contains('D')))
    });
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !files.is_empty() {
        return None;
    }
    if decode {
        decode_base64(stdin)
    } else {
        let mut s = base64::engine::general_purpose::STANDARD.encode(stdin.as_bytes());
        s.push('\n');
        Some(s)
    }
}

fn xxd(args: &[String], stdin: &str) -> Option<String> {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let reverse = flags.contains('r');
    let plain = flags.contains('p')
        || args
            .iter()
            .any(|a| a == "-ps" || a == "-plain" || a == "-postscript");
    if !reverse || !plain || args.iter().any(|a| !a.starts_with('-')) {
        return None;
    }
    let hex: Vec<u32> = stdin
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_digit(16))
        .collect::<Option<_>>()?;
    let bytes: Vec<u8> = hex
        .chunks(2)
        .filter(|p| p.len() == 2)
        .map(|p| (p[0] * 16 + p[1]) as u8)
        .collect();
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn rev(stdin: &str) -> String {
    let mut out = String::new();
    for line in stdin.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, true),
            None => (line, false),
        };
        out.extend(body.chars().rev());
        if nl {
            out.push('\n');
        }
    }
    out
}

/// Expands a `tr` set: ranges `a-z`, escapes `\n`, `\\`; classes are not supported.
fn tr_set(s: &str) -> Option<Vec<char>> {
    if s.contains("[:") || s.contains("[=") {
        return None;
    }
    let raw: Vec<char> = backslash_escapes(s).0.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if i + 2 < raw.len() && raw[i + 1] == '-' {
            let (a, b) = (raw[i] as u32, raw[i + 2] as u32);
            if a > b || b - a > 0x10000 {
                return None;
            }
            out.extend((a..=b).filter_map(char::from_u32));
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    Some(out)
}

fn tr(args: &[String], stdin: &str) -> Option<String> {
    match args {
        [d, set] if d == "-d" => {
            let set = tr_set(set)?;
            Some(stdin.chars().filter(|c| !set.contains(c)).collect())
        }
        [a, b] if !a.starts_with('-') => {
            let (a, b) = (tr_set(a)?, tr_set(b)?);
            let last = *b.last()?;
            Some(
                stdin
                    .chars()
                    .map(|c| match a.iter().position(|x| *x == c) {
                        Some(i) => b.get(i).copied().unwrap_or(last),
                        None => c,
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(prog: &str, args: &[&str], stdin: Option<&str>) -> Option<String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        produce(prog, &args, stdin).map(|x| x.0)
    }

    #[test]
    fn producers() {
        assert_eq!(
            p("echo", &["cm0gLXJmIC8="], None).as_deref(),
            Some("cm0gLXJmIC8=\n")
        );
        assert_eq!(
            p("base64", &["-d"], Some("cm0gLXJmIC8=\n")).as_deref(),
            Some("rm -rf /")
        );
        assert_eq!(
            p("base64", &["--decode"], Some("cm0gLXJmIH4=")).as_deref(),
            Some("rm -rf ~")
        );
        assert_eq!(
            p("xxd", &["-r", "-p"], Some("726d202d7266\n")).as_deref(),
            Some("rm -rf")
        );
        assert_eq!(
            p("rev", &[], Some("/ fr- mr\n")).as_deref(),
            Some("rm -rf /\n")
        );
        assert_eq!(
            p("tr", &["A-Za-z", "N-ZA-Mn-za-m"], Some("ez -es /")).as_deref(),
            Some("rm -rf /")
        );
        assert_eq!(
            p("printf", &["%s %s\\n", "rm", "-rf"], None).as_deref(),
            Some("rm -rf\n")
        );
        assert_eq!(p("echo", &["-n", "a"], None).as_deref(), Some("a"));
        assert_eq!(p("echo", &["-e", "a\\x41"], None).as_deref(), Some("aA\n"));
        assert_eq!(p("curl", &["x"], None), None);
        assert_eq!(p("base64", &["-d", "file"], Some("x")), None);
    }
}
