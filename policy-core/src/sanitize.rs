//! Cleaning tool output before it reaches a model: terminal control
//! sequences and NULs removed, long lines and long outputs cut with a marker.
//!
//! What is removed:
//!
//! * NUL and the other C0 control characters except tab and newline (`\r\n`
//!   becomes `\n`; a lone `\r`, which terminals use to overwrite a line, is
//!   dropped), and DEL;
//! * escape sequences: CSI (`ESC [` … final byte: colours, cursor moves,
//!   screen clears), OSC (`ESC ]` … BEL or `ESC \`: window titles,
//!   hyperlinks, clipboard writes), DCS/SOS/PM/APC strings (`ESC P`, `ESC X`,
//!   `ESC ^`, `ESC _` … `ESC \`), and the short `ESC` sequences; their
//!   8-bit C1 forms (U+0080–U+009F) as well. A string sequence that is never
//!   terminated hides the rest of the output from a terminal, so it is
//!   removed to the end as well: the model reads what a human would see;
//! * Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069), which
//!   make displayed text differ from the text read.
//!
//! Caps ([`SanitizeLimits::default`], the same as Claude Code's Read tool):
//! lines longer than [`MAX_LINE_CHARS`] characters end with
//! `… [line truncated: N more characters]`; after [`MAX_LINES`] lines the
//! output ends with `[output truncated: N more lines]`.
//!
//! Secrets are a separate step ([`crate::scrub()`]); an embedder typically does
//! both:
//!
//! ```
//! use policy_core::{sanitize_output, scrub};
//! let raw = "\x1b[31mERROR\x1b[0m token=ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u\x00\n\x1b]0;pwned\x07done";
//! let (clean, findings) = scrub(&sanitize_output(raw));
//! assert_eq!(clean, "ERROR token=[REDACTED:github-token]\ndone");
//! assert_eq!(findings.len(), 1);
//! ```

/// Longest line kept, in characters.
pub const MAX_LINE_CHARS: usize = 2000;
/// Most lines kept.
pub const MAX_LINES: usize = 2000;

/// The caps [`sanitize_output_with`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanitizeLimits {
    /// Longest line kept, in characters (the rest is replaced by a marker).
    pub max_line_chars: usize,
    /// Most lines kept (the rest is replaced by a marker).
    pub max_lines: usize,
}

impl Default for SanitizeLimits {
    /// [`MAX_LINE_CHARS`] and [`MAX_LINES`].
    fn default() -> SanitizeLimits {
        SanitizeLimits {
            max_line_chars: MAX_LINE_CHARS,
            max_lines: MAX_LINES,
        }
    }
}

/// `text` without control sequences, with the default caps.
pub fn sanitize_output(text: &str) -> String {
    sanitize_output_with(text, SanitizeLimits::default())
}

/// `text` without control sequences, with the caps in `limits`.
///
/// ```
/// use policy_core::sanitize::{sanitize_output_with, SanitizeLimits};
/// let limits = SanitizeLimits { max_line_chars: 5, max_lines: 2 };
/// assert_eq!(
///     sanitize_output_with("abcdefgh\nb\nc\nd", limits),
///     "abcde… [line truncated: 3 more characters]\nb\n[output truncated: 2 more lines]"
/// );
/// ```
pub fn sanitize_output_with(text: &str, limits: SanitizeLimits) -> String {
    let stripped = strip_controls(text);
    cap(&stripped, limits)
}

/// What to do with the characters after an escape introducer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Escape,
    /// ESC followed by intermediates (0x20–0x2F): until a final byte.
    EscapeIntermediate,
    /// Inside CSI: parameters and intermediates until a final byte 0x40–0x7E.
    Csi,
    /// Inside an OSC/DCS/SOS/PM/APC string, until BEL (OSC) or ST.
    Str,
    /// ESC inside a string: `\` ends it.
    StrEscape,
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Printable ASCII, tab and newline: copied as they are.
fn is_plain(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t'
}

fn strip_controls(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut state = State::Text;
    let mut i = 0;
    while i < bytes.len() {
        if state == State::Text {
            // Fast path: copy a run of plain text at once.
            let run = bytes
                .get(i..)
                .map_or(0, |r| r.iter().take_while(|b| is_plain(**b)).count());
            if run > 0 {
                out.push_str(text.get(i..i + run).unwrap_or(""));
                i += run;
                continue;
            }
        }
        let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        state = match state {
            State::Text => match c {
                '\x1b' => State::Escape,
                '\u{9b}' => State::Csi,
                '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => State::Str,
                '\n' | '\t' => {
                    out.push(c);
                    State::Text
                }
                '\r' => {
                    if bytes.get(i) == Some(&b'\n') {
                        out.push('\n');
                        i += 1;
                    }
                    State::Text
                }
                c if c.is_control() || is_bidi_control(c) => State::Text,
                c => {
                    out.push(c);
                    State::Text
                }
            },
            State::Escape => match c {
                '[' => State::Csi,
                ']' | 'P' | 'X' | '^' | '_' => State::Str,
                '\x20'..='\x2f' => State::EscapeIntermediate,
                _ => State::Text,
            },
            State::EscapeIntermediate => match c {
                '\x20'..='\x2f' => State::EscapeIntermediate,
                _ => State::Text,
            },
            State::Csi => match c {
                '\x20'..='\x3f' => State::Csi,
                _ => State::Text,
            },
            State::Str => match c {
                '\x07' | '\u{9c}' => State::Text,
                '\x1b' => State::StrEscape,
                _ => State::Str,
            },
            State::StrEscape => match c {
                '\\' => State::Text,
                '\x1b' => State::StrEscape,
                _ => State::Str,
            },
        };
    }
    out
}

fn cap(text: &str, limits: SanitizeLimits) -> String {
    let mut out = String::with_capacity(
        text.len().min(
            limits
                .max_lines
                .saturating_mul(limits.max_line_chars.saturating_add(48)),
        ),
    );
    let total = text.split('\n').count();
    for (i, line) in text.split('\n').enumerate() {
        if i >= limits.max_lines {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("[output truncated: {} more lines]", total - i));
            return out;
        }
        if i > 0 {
            out.push('\n');
        }
        match line.char_indices().nth(limits.max_line_chars) {
            None => out.push_str(line),
            Some((cut, _)) => {
                let rest = line.get(cut..).map_or(0, |r| r.chars().count());
                out.push_str(line.get(..cut).unwrap_or(""));
                out.push_str(&format!("… [line truncated: {rest} more characters]"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_every_kind_of_sequence() {
        let cases = [
            ("plain\ttext\n", "plain\ttext\n"),
            ("a\x00b", "ab"),
            ("\x1b[1;31mred\x1b[0m", "red"),
            ("\x1b[2J\x1b[H\x1b[?25lclear", "clear"),
            ("\x1b]0;title\x07after", "after"),
            (
                "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
                "link",
            ),
            ("\x1bP1$r0m\x1b\\dcs", "dcs"),
            ("\x1b_apc payload\x1b\\x", "x"),
            ("\x1b(Bcharset", "charset"),
            ("\x1b7saved\x1b8", "saved"),
            ("\u{9b}31mc1\u{9b}0m", "c1"),
            ("\u{9d}0;t\u{9c}osc8", "osc8"),
            ("10%\r50%\r100%\r\ndone", "10%50%100%\ndone"),
            ("bold: a\x08a", "bold: aa"),
            ("\u{202E}txt.exe\u{202C}", "txt.exe"),
            ("visible\x1b]0;hidden to the end", "visible"),
            ("del\x7f", "del"),
            ("unicode ✓ é", "unicode ✓ é"),
        ];
        for (raw, want) in cases {
            assert_eq!(sanitize_output(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn caps_lines_and_length() {
        let long = "é".repeat(MAX_LINE_CHARS + 10);
        let out = sanitize_output(&long);
        assert!(
            out.ends_with("… [line truncated: 10 more characters]"),
            "{}",
            &out[out.len() - 60..]
        );
        let many = "x\n".repeat(MAX_LINES + 7);
        let out = sanitize_output(&many);
        assert_eq!(out.lines().count(), MAX_LINES + 1);
        // 2007 lines plus the empty one after the last newline.
        assert!(
            out.ends_with("[output truncated: 8 more lines]"),
            "{}",
            &out[out.len() - 40..]
        );
        let exact = "y\n".repeat(MAX_LINES - 1) + "y";
        assert_eq!(sanitize_output(&exact), exact);
    }
}
