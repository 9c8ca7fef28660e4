//! Decoding of bash's quoting forms that tree-sitter leaves as raw text:
//! ANSI-C `$'..'` strings, backslashes in double quotes, here-documents and
//! unquoted words, and the escapes of backtick command substitutions.

/// Decodes the body of an ANSI-C string (`$'…'` without the `$'` and `'`),
/// as bash does: `\a \b \e \E \f \n \r \t \v \\ \' \" \?`, octal `\nnn`,
/// hex `\xHH`, Unicode `\uHHHH` / `\UHHHHHHHH`, control `\cX`. A NUL byte ends
/// the string (bash cuts it there). Invalid UTF-8 bytes become U+FFFD.
pub(crate) fn decode_ansi_c(body: &str) -> String {
    let bytes = body.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'\\' || i + 1 >= bytes.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = bytes[i + 1];
        i += 2;
        let simple = match e {
            b'a' => Some(7),
            b'b' => Some(8),
            b'e' | b'E' => Some(27),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'\'' => Some(b'\''),
            b'"' => Some(b'"'),
            b'?' => Some(b'?'),
            _ => None,
        };
        if let Some(v) = simple {
            out.push(v);
            continue;
        }
        match e {
            b'0'..=b'7' => {
                let mut v: u32 = u32::from(e - b'0');
                let mut n = 1;
                while n < 3 && i < bytes.len() && (b'0'..=b'7').contains(&bytes[i]) {
                    v = v * 8 + u32::from(bytes[i] - b'0');
                    i += 1;
                    n += 1;
                }
                if v & 0xff == 0 {
                    break;
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let (v, n) = hex_digits(&bytes[i..], 2);
                if n == 0 {
                    out.extend_from_slice(b"\\x");
                } else {
                    i += n;
                    if v == 0 {
                        break;
                    }
                    out.push(v as u8);
                }
            }
            b'u' | b'U' => {
                let max = if e == b'u' { 4 } else { 8 };
                let (v, n) = hex_digits(&bytes[i..], max);
                if n == 0 {
                    out.push(b'\\');
                    out.push(e);
                } else {
                    i += n;
                    if v == 0 {
                        break;
                    }
                    let c = char::from_u32(v).unwrap_or('\u{fffd}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
            b'c' => {
                if i < bytes.len() {
                    let c = bytes[i];
                    i += 1;
                    let v = if c == b'?' {
                        0x7f
                    } else {
                        c.to_ascii_uppercase() & 0x1f
                    };
                    if v == 0 {
                        break;
                    }
                    out.push(v);
                } else {
                    out.extend_from_slice(b"\\c");
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digits(bytes: &[u8], max: usize) -> (u32, usize) {
    let mut v: u32 = 0;
    let mut n = 0;
    while n < max && n < bytes.len() {
        let d = match bytes[n] {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => break,
        };
        v = v.wrapping_mul(16).wrapping_add(u32::from(d));
        n += 1;
    }
    (v, n)
}

/// How backslashes behave in a stretch of literal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// Outside quotes: `\x` is a quoted `x`; `\<newline>` disappears.
    Unquoted,
    /// Inside `"…"`: only `\$ \` \" \\ \<newline>` are escapes.
    Double,
    /// Body of an unquoted here-document: only `\$ \` \\ \<newline>` are escapes.
    Heredoc,
}

/// Splits literal text into characters with their quoted flag, removing the
/// escaping backslashes per `quoting`.
pub(crate) fn literal_chars(text: &str, quoting: Quoting, mut push: impl FnMut(char, bool)) {
    let quoted_all = quoting != Quoting::Unquoted;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            push(c, quoted_all);
            continue;
        }
        match chars.peek().copied() {
            None => push('\\', quoted_all),
            Some('\n') => {
                chars.next();
            }
            Some(n) => {
                let escapes = match quoting {
                    Quoting::Unquoted => true,
                    Quoting::Double => matches!(n, '$' | '`' | '"' | '\\'),
                    Quoting::Heredoc => matches!(n, '$' | '`' | '\\'),
                };
                if escapes {
                    chars.next();
                    push(n, true);
                } else {
                    push('\\', quoted_all);
                }
            }
        }
    }
}

/// Removes the backslashes that escape `$`, `` ` `` and `\` inside a backtick
/// command substitution, giving the text bash re-parses.
pub(crate) fn unescape_backticks(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if matches!(n, '$' | '`' | '\\') {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(decode_ansi_c(r"\x72\x6d"), "rm");
        assert_eq!(decode_ansi_c(r"\162\155"), "rm");
        assert_eq!(decode_ansi_c(r"\u00e9\U0001F600"), "é😀");
        assert_eq!(decode_ansi_c(r"a\tb\n"), "a\tb\n");
        assert_eq!(decode_ansi_c(r"\cA\c?"), "\u{1}\u{7f}");
        assert_eq!(decode_ansi_c(r"a\x00b"), "a");
        assert_eq!(decode_ansi_c(r"\xZ\q\'"), "\\xZ\\q'");
    }

    #[test]
    fn double_quote_backslashes() {
        let mut s = String::new();
        literal_chars(r#"a\"b\c\$\\"#, Quoting::Double, |c, _| s.push(c));
        assert_eq!(s, r#"a"b\c$\"#);
        let mut s = String::new();
        literal_chars("r\\m\\\nx", Quoting::Unquoted, |c, _| s.push(c));
        assert_eq!(s, "rmx");
    }

    #[test]
    fn backticks() {
        assert_eq!(
            unescape_backticks(r"echo \`id\` \$x \\ \n"),
            r"echo `id` $x \ \n"
        );
    }
}

/// Rewrites `\\` inside ANSI-C strings (`$'…'`) as `\x5c`, and (with `braces`)
/// a literal `{..}` as `'{..}'`; both mean the same to bash. tree-sitter-bash
/// reads `$'\\'` as an escaped quote (the string runs past its end) and fails on
/// `{..}`. `None` when there is nothing to rewrite. The scan skips single- and
/// double-quoted strings, backslash escapes and comments.
pub(crate) fn rewrite_ansi_c_backslashes(text: &str, braces: bool) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut last = 0;
    let mut changed = false;
    let mut word_start = true;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                i += 2;
                word_start = false;
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                word_start = false;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                word_start = false;
            }
            b'#' if word_start => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            // `{..}` is a literal word to bash (no sequence); tree-sitter fails on it.
            b'{' if braces && text.get(i..i + 4) == Some("{..}") => {
                out.push_str(text.get(last..i).unwrap_or(""));
                out.push_str("'{..}'");
                i += 4;
                last = i;
                changed = true;
                word_start = false;
            }
            b'$' if b.get(i + 1) == Some(&b'\'') => {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
                        out.push_str(text.get(last..i).unwrap_or(""));
                        out.push_str("\\x5c");
                        i += 2;
                        last = i;
                        changed = true;
                    } else {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                }
                i += 1;
                word_start = false;
            }
            c => {
                word_start = matches!(c, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')');
                i += 1;
            }
        }
    }
    if !changed {
        return None;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    Some(out)
}

#[cfg(test)]
mod rewrite_tests {
    fn r(t: &str) -> Option<String> {
        super::rewrite_ansi_c_backslashes(t, true)
    }

    #[test]
    fn ansi_c_rewrite() {
        assert_eq!(r(r"echo $'\\' ''").as_deref(), Some(r"echo $'\x5c' ''"));
        assert_eq!(
            r(r"echo '$'\\''"),
            None,
            "inside single quotes nothing is rewritten"
        );
        assert_eq!(r(r"echo $'a\'b' x"), None);
        assert_eq!(
            r(r#"echo "$'\\'" $'\\\\'"#).as_deref(),
            Some(r#"echo "$'\\'" $'\x5c\x5c'"#)
        );
        assert_eq!(r("echo {..} {,}").as_deref(), Some("echo '{..}' {,}"));
    }
}
