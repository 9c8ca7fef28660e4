//! Word expansion on the syntax tree: quote removal, parameter expansion with
//! constant propagation, command substitution (statically evaluated where
//! possible, its body always analysed), process substitution, then the steps
//! of [`words`](super::words).

use tree_sitter::Node;

use crate::action::{Context, Dynamic, OpaqueReason, Word};
use crate::shell::decode;
use crate::shell::parse::Source;
use crate::shell::quote::{self, Quoting};
use crate::shell::scope::Value;
use crate::shell::walk::{clip, Sub, Walker};
use crate::shell::words::{self, Atom, ExpVal, Mode, TildeResolver};

enum Work<'a> {
    Node(Node<'a>, Quoting),
    Text(usize, usize, Quoting),
}

struct Tilde<'s, 'a> {
    walker: &'s Walker<'a>,
}

impl TildeResolver for Tilde<'_, '_> {
    fn tilde(&self, prefix: &str) -> Option<ExpVal> {
        let scope = &self.walker.frame().scope;
        let value = match prefix {
            "" => scope.get("HOME"),
            "+" => scope.get("PWD"),
            // The directory stack holds only the working directory: `~0`, `~+00`, `~-0`
            // are it; other indexes stay as written.
            n if !n.is_empty()
                && n.trim_start_matches(['+', '-']).len() + 1 >= n.len()
                && n.trim_start_matches(['+', '-'])
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                && !n.trim_start_matches(['+', '-']).is_empty() =>
            {
                if n.trim_start_matches(['+', '-']).bytes().all(|b| b == b'0') {
                    scope.get("PWD")
                } else {
                    return None;
                }
            }
            "-" => scope.get("OLDPWD"),
            user => {
                if scope.foreign {
                    return Some(ExpVal::Dyn(Dynamic {
                        source: format!("~{user}"),
                        producer: None,
                    }));
                }
                if self.walker.opts.user.as_deref() == Some(user) {
                    if let Some(h) = scope.initial_env("HOME") {
                        return Some(ExpVal::Str(h.to_string()));
                    }
                }
                if !user
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                {
                    return None;
                }
                if self.walker.opts.passwd_lookup {
                    return passwd_home(user).map(ExpVal::Str);
                }
                return Some(ExpVal::Dyn(Dynamic {
                    source: format!("~{user}"),
                    producer: None,
                }));
            }
        };
        Some(match value {
            Value::Str(s) => ExpVal::Str(s),
            Value::Dyn(mut d) => {
                d.source = format!("~{prefix}");
                ExpVal::Dyn(d)
            }
            Value::Array(a) => ExpVal::Str(a.first().cloned().unwrap_or_default()),
            // HOME unset: bash leaves `~` as written.
            Value::Unset => return None,
        })
    }
}

/// Home directory of `user` from `/etc/passwd`.
fn passwd_home(user: &str) -> Option<String> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|line| {
        let mut f = line.split(':');
        (f.next()? == user).then(|| f.nth(4).map(str::to_string))?
    })
}

/// Marks a quoted part that may be empty (`''`, `""`): it makes a field exist
/// even when nothing else does, and stops tilde expansion of a prefix it is in.
const EMPTY_QUOTED: Atom = Atom::Val(ExpVal::Str(String::new()), true);

const SUBSTITUTION_KINDS: &[&str] = &["command_substitution", "process_substitution"];

impl<'a> Walker<'a> {
    /// Expands a word node into fields.
    pub(crate) fn expand(&mut self, node: Node<'a>, src: &'a Source, mode: Mode) -> Vec<Word> {
        let Some(atoms) = self.atoms(node, src, Quoting::Unquoted) else {
            return vec![Word::dynamic(clip(src.text_of(node), 80), None)];
        };
        self.finish_atoms(atoms, mode, src.text_of(node))
    }

    /// Expands the body of an unquoted here-document.
    pub(crate) fn expand_heredoc(&mut self, node: Node<'a>, src: &'a Source) -> Word {
        match self.atoms(node, src, Quoting::Heredoc) {
            Some(atoms) => words::join_words(self.finish_atoms(atoms, Mode::PLAIN, "")),
            None => Word::dynamic("heredoc", None),
        }
    }

    pub(crate) fn finish_atoms(&mut self, atoms: Vec<Atom>, mode: Mode, source: &str) -> Vec<Word> {
        let ifs = match self.frame().scope.get("IFS") {
            Value::Str(s) => s,
            _ => " \t\n".to_string(),
        };
        if atoms.contains(&Atom::Sep) {
            let mut out = Vec::new();
            for piece in atoms.split(|a| *a == Atom::Sep) {
                if !piece.is_empty() {
                    out.extend(self.finish_atoms(piece.to_vec(), mode, source));
                }
            }
            return out;
        }
        let variants = if mode.brace {
            match words::brace_expand(atoms, self.opts.limits.max_brace_words) {
                Ok(v) => v,
                Err(_) => {
                    self.opaque(
                        OpaqueReason::BudgetExhausted,
                        format!(
                            "brace expansion of `{}` yields more than {} words",
                            clip(source, 60),
                            self.opts.limits.max_brace_words
                        ),
                        0,
                    );
                    return vec![Word::dynamic(clip(source, 80), None)];
                }
            }
        } else {
            vec![atoms]
        };
        if !self.charge(variants.len()) {
            return vec![Word::dynamic(clip(source, 80), None)];
        }
        let mut out = Vec::new();
        for mut v in variants {
            if mode.tilde {
                let resolver = Tilde { walker: self };
                words::tilde_expand(&mut v, &resolver);
            }
            let fields = words::split_fields(&v, &ifs, mode.split);
            for f in fields {
                let len: usize = f.text().len();
                if len > self.opts.limits.max_word_bytes {
                    out.push(Word::dynamic(clip(&f.text(), 80), None));
                } else {
                    out.push(f);
                }
            }
        }
        out
    }

    /// The atoms of a word node. `None` in static mode when the word holds a substitution.
    pub(crate) fn atoms(
        &mut self,
        root: Node<'a>,
        src: &'a Source,
        quoting: Quoting,
    ) -> Option<Vec<Atom>> {
        let mut out: Vec<Atom> = Vec::new();
        let mut stack = vec![Work::Node(root, quoting)];
        while let Some(work) = stack.pop() {
            if !self.charge(1) {
                return None;
            }
            let (node, q) = match work {
                Work::Text(a, b, q) => {
                    self.text_atoms(src.slice(a, b), q, &mut out);
                    continue;
                }
                Work::Node(n, q) => (n, q),
            };
            let text = src.text_of(node);
            let quoted = q != Quoting::Unquoted;
            match node.kind() {
                "raw_string" => {
                    let inner = text
                        .strip_prefix('\'')
                        .and_then(|t| t.strip_suffix('\''))
                        .unwrap_or(text);
                    out.push(EMPTY_QUOTED);
                    out.extend(inner.chars().map(|c| Atom::Ch(c, true)));
                }
                "ansi_c_string" => {
                    let inner = text
                        .strip_prefix("$'")
                        .and_then(|t| t.strip_suffix('\''))
                        .unwrap_or(text);
                    out.push(EMPTY_QUOTED);
                    out.extend(
                        quote::decode_ansi_c(inner)
                            .chars()
                            .map(|c| Atom::Ch(c, true)),
                    );
                }
                "string" | "translated_string" => {
                    // `"$@"` / `"${a[@]}"` with no elements is no word at all.
                    let all_elements =
                        text == "\"$@\"" || (text.starts_with("\"${") && text.ends_with("[@]}\""));
                    if !all_elements {
                        out.push(EMPTY_QUOTED);
                    }
                    let open = if node.kind() == "string" { 1 } else { 2 };
                    let start = node.start_byte() + open.min(text.len());
                    let end = node
                        .end_byte()
                        .saturating_sub(usize::from(text.len() > open && text.ends_with('"')));
                    self.push_children(&mut stack, node, start, end.max(start), Quoting::Double);
                }
                "simple_expansion" => {
                    // tree-sitter may include blanks before the `$` (`" $HOME"`) and
                    // reads `$9a` as one name; bash's positional names are one digit.
                    let dollar = text.find('$').unwrap_or(0);
                    let before = &text[..dollar];
                    let name_full = &text[(dollar + 1).min(text.len())..];
                    let (name, after) = if name_full.starts_with(|c: char| c.is_ascii_digit()) {
                        name_full.split_at(1)
                    } else {
                        (name_full, "")
                    };
                    quote::literal_chars(before, q, |c, qd| out.push(Atom::Ch(c, qd)));
                    let v = self.param(name, quoted);
                    out.push(Atom::Val(v, quoted));
                    quote::literal_chars(after, q, |c, qd| out.push(Atom::Ch(c, qd)));
                }
                "expansion" => {
                    // tree-sitter may include blanks before `${` (`" ${HOME}"`).
                    let dollar = text.find("${").unwrap_or(0);
                    quote::literal_chars(&text[..dollar], q, |c, qd| out.push(Atom::Ch(c, qd)));
                    let v = self.braced(node, src, quoted);
                    out.push(Atom::Val(v, quoted));
                }
                "command_substitution" => {
                    let v = self.substitution(node, src)?;
                    out.push(Atom::Val(v, quoted));
                }
                "process_substitution" => {
                    if self.static_mode {
                        self.static_failed = true;
                        return None;
                    }
                    let producer = self.first_program(node, src);
                    let ctx = Context::ProcessSubstitution;
                    let nodes = named_children(node);
                    self.pending.push(Sub { ctx, src, nodes });
                    out.push(Atom::Val(
                        ExpVal::Dyn(Dynamic {
                            source: clip(text, 80),
                            producer,
                        }),
                        true,
                    ));
                }
                "arithmetic_expansion" => {
                    self.scan_substitutions(node, src);
                    out.push(Atom::Val(
                        ExpVal::Dyn(Dynamic {
                            source: clip(text, 80),
                            producer: None,
                        }),
                        quoted,
                    ));
                }
                _ if node.child_count() == 0
                    || node.kind() == "word"
                    || node.kind() == "number" =>
                {
                    stack.push(Work::Text(node.start_byte(), node.end_byte(), q));
                }
                _ => {
                    self.push_children(&mut stack, node, node.start_byte(), node.end_byte(), q);
                }
            }
            if out.len() > self.opts.limits.max_word_bytes {
                return None;
            }
        }
        Some(out)
    }

    /// Literal text into atoms. tree-sitter-bash sometimes leaves a parameter
    /// expansion inside a word's text (`a''$HOME-`, `{a$HOME,x}`); an unescaped
    /// `$name`, `$N`, `$@`… or `${…}` found here is expanded like bash would.
    pub(crate) fn text_atoms(&mut self, text: &str, q: Quoting, out: &mut Vec<Atom>) {
        let mut rest = text;
        while let Some(pos) = find_unescaped_dollar(rest) {
            let after = &rest[pos + 1..];
            let len = expansion_len(after);
            if len == 0 {
                quote::literal_chars(&rest[..=pos], q, |c, qd| out.push(Atom::Ch(c, qd)));
                rest = after;
                continue;
            }
            quote::literal_chars(&rest[..pos], q, |c, qd| out.push(Atom::Ch(c, qd)));
            let exp = &after[..len];
            let quoted = q != Quoting::Unquoted;
            let v = if exp.starts_with('{') {
                self.braced_text(&format!("${exp}"), quoted)
            } else {
                self.param(exp, quoted)
            };
            out.push(Atom::Val(v, quoted));
            rest = &after[len..];
        }
        quote::literal_chars(rest, q, |c, qd| {
            if !qd && q == Quoting::Unquoted && matches!(c, ' ' | '\t' | '\n') {
                out.push(Atom::Sep);
            } else {
                out.push(Atom::Ch(c, qd));
            }
        });
    }

    /// Pushes the children of `node` within `[start, end)` and the gaps between them.
    fn push_children(
        &mut self,
        stack: &mut Vec<Work<'a>>,
        node: Node<'a>,
        start: usize,
        end: usize,
        q: Quoting,
    ) {
        let mut items: Vec<Work<'a>> = Vec::new();
        let mut pos = start;
        let mut c = node.walk();
        for child in node.children(&mut c) {
            let (a, b) = (child.start_byte(), child.end_byte());
            if b <= start || a >= end {
                continue;
            }
            if a > pos {
                match items.last_mut() {
                    Some(Work::Text(_, pb, pq)) if *pb == pos && *pq == q => *pb = a,
                    _ => items.push(Work::Text(pos, a, q)),
                }
            }
            let text_like =
                !child.is_named() || (child.kind() == "word" && child.child_count() == 0);
            if text_like {
                // Join contiguous text so a `$` token and the name after it meet.
                let (a, b) = (a.max(start), b.min(end));
                match items.last_mut() {
                    Some(Work::Text(_, pb, pq)) if *pb == a && *pq == q => *pb = b,
                    _ => items.push(Work::Text(a, b, q)),
                }
            } else {
                items.push(Work::Node(child, q));
            }
            pos = b.min(end);
        }
        if pos < end {
            items.push(Work::Text(pos, end, q));
        }
        stack.extend(items.into_iter().rev());
    }

    /// The value of `$name`.
    fn param(&self, name: &str, quoted: bool) -> ExpVal {
        let value = self.frame().scope.get(name);
        value_to_exp(value, matches!(name, "@" | "*"), name == "*", quoted)
    }

    /// The value of `${…}`.
    fn braced(&mut self, node: Node<'a>, src: &'a Source, quoted: bool) -> ExpVal {
        // Substitutions inside (`${x:-$(cmd)}`) may run: analyse them.
        self.scan_substitutions(node, src);
        let text = src.text_of(node);
        let text = &text[text.find("${").unwrap_or(0)..];
        self.braced_text(text, quoted)
    }

    /// The value of `${…}` given as text.
    fn braced_text(&mut self, text: &str, quoted: bool) -> ExpVal {
        let inner = text
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or("");
        let dynamic = || {
            ExpVal::Dyn(Dynamic {
                source: clip(text, 80),
                producer: None,
            })
        };
        if let Some(name) = inner.strip_prefix('#') {
            if is_name(name) || name == "@" {
                return match self.frame().scope.get(name) {
                    Value::Str(s) => ExpVal::Str(s.chars().count().to_string()),
                    Value::Unset => ExpVal::Str("0".into()),
                    Value::Array(a) if name == "@" => ExpVal::Str(a.len().to_string()),
                    _ => dynamic(),
                };
            }
            return dynamic();
        }
        if inner.starts_with('!') {
            return dynamic();
        }
        let name_len = if inner.starts_with(|c: char| {
            c.is_ascii_digit() || matches!(c, '@' | '*' | '#' | '?' | '$' | '!' | '-')
        }) {
            if inner.starts_with(|c: char| c.is_ascii_digit()) {
                inner.chars().take_while(char::is_ascii_digit).count()
            } else {
                1
            }
        } else {
            inner
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .count()
        };
        let (name, rest) = inner.split_at(name_len);
        if name.is_empty() {
            return dynamic();
        }
        let mut value = self.frame().scope.get(name);
        let mut rest = rest;
        let mut all = matches!(name, "@" | "*");
        let mut star = name == "*";
        if let Some(sub) = rest.strip_prefix('[') {
            let Some((idx, after)) = sub.split_once(']') else {
                return dynamic();
            };
            rest = after;
            all = matches!(idx, "@" | "*");
            star = idx == "*";
            value = match (value, idx) {
                (Value::Array(a), "@" | "*") => Value::Array(a),
                (Value::Array(a), i) => match i.parse::<usize>() {
                    Ok(i) => a.get(i).cloned().map_or(Value::Unset, Value::Str),
                    Err(_) => return dynamic(),
                },
                (Value::Str(s), "0" | "@" | "*") => Value::Str(s),
                (Value::Unset, _) => Value::Unset,
                (Value::Dyn(d), _) => Value::Dyn(d),
                _ => return dynamic(),
            };
        }
        if rest.is_empty() {
            return value_to_exp(value, all, star, quoted);
        }
        let known = match &value {
            Value::Str(s) => Some(s.clone()),
            Value::Unset => None,
            Value::Array(a) => Some(a.join(" ")),
            Value::Dyn(_) => return dynamic(),
        };
        let is_set = !matches!(value, Value::Unset);
        let simple = |w: &str| !w.contains(['$', '`', '\'', '"', '\\', '(', '{']);
        for (op, colon) in [(":-", true), ("-", false), (":=", true), ("=", false)] {
            if let Some(word) = rest.strip_prefix(op) {
                let use_default = if colon {
                    known.as_deref().unwrap_or("").is_empty()
                } else {
                    !is_set
                };
                if !use_default {
                    return value_to_exp(value, all, star, quoted);
                }
                return if simple(word) {
                    ExpVal::Str(word.to_string())
                } else {
                    dynamic()
                };
            }
        }
        for (op, colon) in [(":+", true), ("+", false)] {
            if let Some(word) = rest.strip_prefix(op) {
                let use_alt = if colon {
                    !known.as_deref().unwrap_or("").is_empty()
                } else {
                    is_set
                };
                if !use_alt {
                    return ExpVal::Str(String::new());
                }
                return if simple(word) {
                    ExpVal::Str(word.to_string())
                } else {
                    dynamic()
                };
            }
        }
        if rest.starts_with(":?") || rest.starts_with('?') {
            return match known {
                Some(s) if !s.is_empty() || !rest.starts_with(':') => ExpVal::Str(s),
                _ => dynamic(),
            };
        }
        let Some(s) = known else { return dynamic() };
        let literal_pat = |p: &str| !p.is_empty() && simple(p) && !p.contains(['*', '?', '[']);
        if let Some(p) = rest.strip_prefix("##").or_else(|| rest.strip_prefix('#')) {
            if literal_pat(p) {
                return ExpVal::Str(s.strip_prefix(p).unwrap_or(&s).to_string());
            }
        } else if let Some(p) = rest.strip_prefix("%%").or_else(|| rest.strip_prefix('%')) {
            if literal_pat(p) {
                return ExpVal::Str(s.strip_suffix(p).unwrap_or(&s).to_string());
            }
        } else if let Some(spec) = rest.strip_prefix('/') {
            let (all, spec) = match spec.strip_prefix('/') {
                Some(x) => (true, x),
                None => (false, spec),
            };
            let (pat, rep) = spec.split_once('/').unwrap_or((spec, ""));
            if literal_pat(pat) && simple(rep) {
                return ExpVal::Str(if all {
                    s.replace(pat, rep)
                } else {
                    s.replacen(pat, rep, 1)
                });
            }
        } else if rest == "^^" {
            return ExpVal::Str(s.to_uppercase());
        } else if rest == ",," {
            return ExpVal::Str(s.to_lowercase());
        } else if let Some(spec) = rest.strip_prefix(':') {
            let (off, len) = spec
                .split_once(':')
                .map_or((spec, None), |(a, b)| (a, Some(b)));
            if let Ok(off) = off.trim().parse::<usize>() {
                let chars: Vec<char> = s.chars().collect();
                let from = off.min(chars.len());
                let to = match len.map(|l| l.trim().parse::<usize>()) {
                    None => chars.len(),
                    Some(Ok(l)) => (from + l).min(chars.len()),
                    Some(Err(_)) => return dynamic(),
                };
                return ExpVal::Str(chars[from..to].iter().collect());
            }
        }
        dynamic()
    }

    /// The value of `$(…)` / backticks; registers the body for analysis.
    fn substitution(&mut self, node: Node<'a>, src: &'a Source) -> Option<ExpVal> {
        if self.static_mode {
            self.static_failed = true;
            return None;
        }
        let text = src.text_of(node);
        let (body_src, nodes) = if text.starts_with('`') {
            let inner = text
                .strip_prefix('`')
                .and_then(|t| t.strip_suffix('`'))
                .unwrap_or("");
            let code = quote::unescape_backticks(inner);
            let base = src.base + node.start_byte();
            let s: &'a Source = self.arena.alloc(Source::new(code, base));
            let Some(tree) = s.tree.as_ref() else {
                self.opaque(
                    OpaqueReason::ParseError,
                    "could not parse a backtick substitution".into(),
                    base,
                );
                return Some(ExpVal::Dyn(Dynamic {
                    source: clip(text, 80),
                    producer: None,
                }));
            };
            let root = tree.root_node();
            if root.has_error() {
                self.opaque(
                    OpaqueReason::ParseError,
                    format!("syntax error in backtick substitution `{}`", clip(text, 60)),
                    base,
                );
            }
            (s, named_children(root))
        } else {
            (src, named_children(node))
        };
        let value = self.static_output(&nodes, body_src);
        let producer = if value.is_none() {
            self.first_program_of(&nodes, body_src)
        } else {
            None
        };
        self.pending.push(Sub {
            ctx: Context::Substitution,
            src: body_src,
            nodes,
        });
        Some(match value {
            Some(mut v) => {
                while v.ends_with('\n') {
                    v.pop();
                }
                ExpVal::Str(v)
            }
            None => ExpVal::Dyn(Dynamic {
                source: clip(text, 80),
                producer,
            }),
        })
    }

    /// The output of a substitution body made of one simple command or a pipeline
    /// of simple commands with literal words (`echo rm`, `echo … | base64 -d`).
    fn static_output(&mut self, nodes: &[Node<'a>], src: &'a Source) -> Option<String> {
        let stmts: Vec<Node<'a>> = nodes
            .iter()
            .copied()
            .filter(|n| n.kind() != "comment")
            .collect();
        let [stmt] = stmts.as_slice() else {
            return None;
        };
        let commands: Vec<Node<'a>> = match stmt.kind() {
            "command" => vec![*stmt],
            "pipeline" => named_children(*stmt),
            _ => return None,
        };
        let mut stdin: Option<String> = None;
        for cmd in commands {
            if cmd.kind() != "command" {
                return None;
            }
            let mut words = Vec::new();
            for c in named_children(cmd) {
                let target = match c.kind() {
                    "command_name" => c.named_child(0).unwrap_or(c),
                    "variable_assignment" => return None,
                    k if k.ends_with("redirect") => return None,
                    _ => c,
                };
                self.static_mode = true;
                self.static_failed = false;
                let w = self.expand(target, src, Mode::ARGV);
                self.static_mode = false;
                if self.static_failed {
                    return None;
                }
                for word in w {
                    words.push(word.as_literal()?);
                }
            }
            let (name, args) = words.split_first()?;
            let program = crate::paths::basename(name);
            stdin = Some(decode::produce(program, args, stdin.as_deref())?.0);
        }
        stdin
    }

    /// The name of the first program in a subtree (for `$(curl …)` → `curl`).
    pub(crate) fn first_program(&mut self, node: Node<'a>, src: &'a Source) -> Option<String> {
        self.first_program_of(&[node], src)
    }

    fn first_program_of(&mut self, nodes: &[Node<'a>], src: &'a Source) -> Option<String> {
        let mut stack: Vec<Node<'a>> = nodes.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            if !self.charge(1) {
                return None;
            }
            if n.kind() == "command_name" {
                let t = src.text_of(n).trim_matches(['"', '\'', '\\']);
                return Some(crate::paths::basename(t).to_string());
            }
            let mut c = n.walk();
            let ch: Vec<Node<'a>> = n.named_children(&mut c).collect();
            stack.extend(ch.into_iter().rev());
        }
        None
    }

    /// Registers every substitution inside `node` (not nested ones: their bodies are
    /// walked when they run).
    pub(crate) fn scan_substitutions(&mut self, node: Node<'a>, src: &'a Source) {
        if self.static_mode {
            self.static_failed = true;
            return;
        }
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if !self.charge(1) {
                return;
            }
            if SUBSTITUTION_KINDS.contains(&n.kind()) {
                if n.kind() == "command_substitution" {
                    let _ = self.substitution(n, src);
                } else {
                    let nodes = named_children(n);
                    self.pending.push(Sub {
                        ctx: Context::ProcessSubstitution,
                        src,
                        nodes,
                    });
                }
                continue;
            }
            let mut c = n.walk();
            let ch: Vec<Node<'a>> = n.named_children(&mut c).collect();
            stack.extend(ch.into_iter().rev());
        }
    }
}

/// The byte index of the first `$` not escaped by a backslash.
fn find_unescaped_dollar(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Length of the expansion after a `$`: a name, one digit, one special
/// character, or a `{…}` without nesting or quoting; 0 for a literal `$`.
fn expansion_len(after: &str) -> usize {
    let bytes = after.as_bytes();
    match bytes.first() {
        Some(b'{') => after
            .find('}')
            .filter(|&e| !after[1..e].contains(['{', '$', '`', '(', '"', '\'', '\\']))
            .map_or(0, |e| e + 1),
        Some(c) if c.is_ascii_digit() => 1,
        Some(b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-') => 1,
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => bytes
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count(),
        _ => 0,
    }
}

fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut c = node.walk();
    node.named_children(&mut c).collect()
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Converts a variable's value; `all` for `$@`, `$*`, `${a[@]}`, `${a[*]}`
/// (else an array gives its first element); `star` for the `*` forms, which join
/// into one word when quoted.
fn value_to_exp(value: Value, all: bool, star: bool, quoted: bool) -> ExpVal {
    match value {
        Value::Str(s) => ExpVal::Str(s),
        Value::Unset => ExpVal::Str(String::new()),
        Value::Array(a) if !all => ExpVal::Str(a.into_iter().next().unwrap_or_default()),
        Value::Array(a) if star && quoted => ExpVal::Str(a.join(" ")),
        Value::Array(a) => ExpVal::Fields(a),
        Value::Dyn(d) => ExpVal::Dyn(d),
    }
}
