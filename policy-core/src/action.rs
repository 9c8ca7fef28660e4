//! The normalized action AST: what a tool call will really do.
//!
//! Every tool call becomes a list of [`Action`]s. A Bash command yields one
//! [`Action::Exec`] per simple command *after* quote removal, expansion and
//! unwrapping of wrappers (`sudo`, `env`, `bash -c`, `xargs`, ...), plus the
//! file, network and code-execution effects the normalizer can see
//! (redirections, `find -delete`, `python -c`, `curl … | sh`, ...). The file,
//! web and MCP tools map onto the same actions, so one rule can cover
//! `Read(~/.aws/credentials)` and `cat ~/.aws/credentials` alike.
//!
//! Anything the normalizer could not understand becomes [`Action::Opaque`]
//! with the reason; a list of actions never silently drops a part of the
//! input.
//!
//! ```
//! use policy_core::{normalize_command, Action, ShellOptions};
//!
//! let actions = normalize_command("r''m -rf ~", &ShellOptions::for_home("/home/dev", "/home/dev/project"));
//! let Action::Exec(exec) = &actions[0] else { panic!("expected an exec") };
//! assert_eq!(exec.program.as_deref(), Some("rm"));
//! assert_eq!(exec.args_text(), vec!["-rf", "/home/dev"]);
//! ```

use serde::Serialize;

/// One effect of a tool call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// A program or builtin runs with an argument vector.
    Exec(Exec),
    /// A file is read (Read/Grep/Glob tools, `<` redirections, ...).
    FileRead(FileAccess),
    /// A file is written or created (Write/Edit tools, `>`/`>>` redirections, ...).
    FileWrite(FileAccess),
    /// A file or directory is deleted (`find -delete`, ...).
    FileDelete(FileAccess),
    /// A network access (WebFetch/WebSearch tools, `/dev/tcp` redirections, ...).
    Net(NetAccess),
    /// Code in some language runs: inline code (`python -c`), code read from
    /// stdin (`curl … | sh`), a script file (`bash x.sh`), and so on.
    CodeExec(CodeExec),
    /// A call of an MCP server's tool.
    Mcp(McpCall),
    /// A tool with no further semantics known to the normalizer (`Task`, `TodoWrite`, ...).
    Tool(ToolUse),
    /// Something the normalizer could not understand; the policy's `on_error` decides.
    Opaque(Opaque),
}

impl Action {
    /// The origin of this action inside the command, when it came from a shell command.
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Action::Exec(e) => Some(&e.origin),
            Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => Some(&f.origin),
            Action::Net(n) => Some(&n.origin),
            Action::CodeExec(c) => Some(&c.origin),
            Action::Opaque(o) => Some(&o.origin),
            Action::Mcp(_) | Action::Tool(_) => None,
        }
    }

    /// The origin, mutably (see [`Action::origin`]).
    pub fn origin_mut(&mut self) -> Option<&mut Origin> {
        match self {
            Action::Exec(e) => Some(&mut e.origin),
            Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => {
                Some(&mut f.origin)
            }
            Action::Net(n) => Some(&mut n.origin),
            Action::CodeExec(c) => Some(&mut c.origin),
            Action::Opaque(o) => Some(&mut o.origin),
            Action::Mcp(_) | Action::Tool(_) => None,
        }
    }

    /// A short name of the action's kind (`exec`, `file_read`, ...), as used in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Exec(_) => "exec",
            Action::FileRead(_) => "file_read",
            Action::FileWrite(_) => "file_write",
            Action::FileDelete(_) => "file_delete",
            Action::Net(_) => "net",
            Action::CodeExec(_) => "code_exec",
            Action::Mcp(_) => "mcp",
            Action::Tool(_) => "tool",
            Action::Opaque(_) => "opaque",
        }
    }
}

/// A shell word after expansion and quote removal: literal text mixed with
/// parts whose value is not known statically.
///
/// An unknown value is never replaced by an empty string: `rm -rf "$DIR/"`
/// keeps `$DIR` as a [`WordPart::Dynamic`] part, so a rule can treat it as
/// "could be anything".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Word {
    /// The parts in order.
    pub parts: Vec<WordPart>,
    /// True when the word holds an unquoted glob character (`*`, `?`, `[`)
    /// that bash would expand against the file system.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub glob: bool,
}

/// One piece of a [`Word`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordPart {
    /// Text known exactly.
    Literal(String),
    /// A value that is not known statically.
    Dynamic(Dynamic),
}

/// A value the normalizer could not compute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dynamic {
    /// Where the value comes from, as written (`$BUILD_DIR`, `$(curl …)`, `{}` of `find -exec`).
    pub source: String,
    /// For a command substitution or piped input: the program that produces the value (`curl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
}

impl Word {
    /// A word made of one literal.
    pub fn literal(text: impl Into<String>) -> Word {
        Word {
            parts: vec![WordPart::Literal(text.into())],
            glob: false,
        }
    }

    /// A word made of one dynamic part.
    pub fn dynamic(source: impl Into<String>, producer: Option<String>) -> Word {
        Word {
            parts: vec![WordPart::Dynamic(Dynamic {
                source: source.into(),
                producer,
            })],
            glob: false,
        }
    }

    /// The text when the whole word is known, else `None`.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                WordPart::Literal(s) => out.push_str(s),
                WordPart::Dynamic(_) => return None,
            }
        }
        Some(out)
    }

    /// [`Word::as_literal`], borrowed when the word is one literal part (most
    /// arguments): no allocation per argument when arguments are parsed.
    pub(crate) fn literal_cow(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self.parts.as_slice() {
            [] => Some(std::borrow::Cow::Borrowed("")),
            [WordPart::Literal(s)] => Some(std::borrow::Cow::Borrowed(s)),
            _ => self.as_literal().map(std::borrow::Cow::Owned),
        }
    }

    /// [`Word::literal_prefix`], borrowed when it is the first part whole.
    pub(crate) fn literal_prefix_cow(&self) -> std::borrow::Cow<'_, str> {
        match self.parts.as_slice() {
            [] | [WordPart::Dynamic(_), ..] => std::borrow::Cow::Borrowed(""),
            [WordPart::Literal(s)] | [WordPart::Literal(s), WordPart::Dynamic(_), ..] => {
                std::borrow::Cow::Borrowed(s)
            }
            _ => std::borrow::Cow::Owned(self.literal_prefix()),
        }
    }

    /// True when some part is not known statically.
    pub fn is_dynamic(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, WordPart::Dynamic(_)))
    }

    /// [`Word::text`], borrowed when the word is one part (most arguments):
    /// no allocation per argument and rule on the matching path.
    pub(crate) fn text_cow(&self) -> std::borrow::Cow<'_, str> {
        match self.parts.as_slice() {
            [] => std::borrow::Cow::Borrowed(""),
            [WordPart::Literal(s)] => std::borrow::Cow::Borrowed(s),
            [WordPart::Dynamic(d)] => std::borrow::Cow::Borrowed(&d.source),
            _ => std::borrow::Cow::Owned(self.text()),
        }
    }

    /// The text with dynamic parts shown as their source (`$HOME_DIR/x`), for display and
    /// last-resort text matching.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                WordPart::Literal(s) => out.push_str(s),
                WordPart::Dynamic(d) => out.push_str(&d.source),
            }
        }
        out
    }

    /// The known text before the first dynamic part.
    pub fn literal_prefix(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                WordPart::Literal(s) => out.push_str(s),
                WordPart::Dynamic(_) => break,
            }
        }
        out
    }

    /// The producers of the dynamic parts (`curl` for `$(curl …)`).
    pub fn producers(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            WordPart::Dynamic(d) => d.producer.as_deref(),
            WordPart::Literal(_) => None,
        })
    }
}

/// A simple command after unwrapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exec {
    /// The program's base name (`rm` for `/usr/bin/../bin/rm`), or `None` when the
    /// command name is not known statically (then an [`Action::Opaque`] accompanies it).
    pub program: Option<String>,
    /// The command name as expanded (`/bin/rm`).
    pub name: Word,
    /// The arguments after the name, expanded and quote-removed.
    pub args: Vec<Word>,
    /// `NAME=value` assignments for this command (prefix assignments, `env NAME=value`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<Assignment>,
    /// Redirections of this command.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// Where its standard input comes from, when it is not the terminal/agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin: Option<Input>,
    /// True when the arguments may continue with values only known at run time
    /// (the command under `xargs`, `find -exec … +`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub trailing_dynamic: bool,
    /// Where the command sits in the input.
    pub origin: Origin,
}

impl Exec {
    /// The arguments as display text (dynamic parts shown as written).
    pub fn args_text(&self) -> Vec<String> {
        self.args.iter().map(Word::text).collect()
    }

    /// The full argument vector (name first) as display text.
    pub fn argv_text(&self) -> Vec<String> {
        std::iter::once(self.name.text())
            .chain(self.args.iter().map(Word::text))
            .collect()
    }
}

/// A variable assignment attached to a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The variable name.
    pub name: String,
    /// The value after expansion.
    pub value: Word,
}

/// A redirection of a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// The file descriptor redirected (`2` in `2>err`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fd: Option<u32>,
    /// The operator as written (`>`, `>>`, `<`, `&>`, `>&`, `<<<`, `<<`, ...).
    pub op: String,
    /// The target after expansion (a path, a descriptor number, or the here-string text).
    pub target: Word,
}

/// Where a command's standard input comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Input {
    /// The previous stage of a pipeline; `text` is its output when known statically
    /// (`echo …`, `base64 -d` of a literal, ...).
    Pipe {
        /// The producing program (`curl`), or a description of it.
        producer: String,
        /// The produced text, when the normalizer could compute it.
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// A here-document or here-string; `text` is its body after expansion when known.
    Here {
        /// The body, when fully known.
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// A file (`< path`).
    File {
        /// The path as expanded.
        path: Word,
    },
}

/// A file effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileAccess {
    /// The path as written, after expansion.
    pub path: Word,
    /// The path made absolute against the (tracked) working directory and
    /// normalized lexically (`..`, `.`, `//`), when it is fully known.
    /// Symlinks are not resolved here (see the realpath boundary checks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// True for a recursive operation (a directory tree).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub recursive: bool,
    /// How the effect was found (`redirect`, `tool:Write`, `find -delete`, ...).
    pub via: String,
    /// Where it sits in the input.
    pub origin: Origin,
}

/// Direction of a network access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetDirection {
    /// Content is fetched.
    Fetch,
    /// Data is sent.
    Send,
    /// A two-way connection (`/dev/tcp`, sockets).
    Connect,
    /// A web search (no single host).
    Search,
}

/// A network access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetAccess {
    /// The URL as given, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The host, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The port, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Fetch, send, connect or search.
    pub direction: NetDirection,
    /// How the access was found (`tool:WebFetch`, `/dev/tcp`, ...).
    pub via: String,
    /// Where it sits in the input.
    pub origin: Origin,
}

/// Where executed code comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeSource {
    /// An argument (`python -c CODE`, `bash -c CODE`, `eval CODE`).
    Argument,
    /// Standard input (a pipeline, a here-document, a here-string, `< file`).
    Stdin,
    /// A script file (`bash x.sh`, `python tool.py`, `source x`).
    File,
    /// A process substitution (`bash <(curl …)`).
    ProcessSubstitution,
    /// An option of another program whose value is run as code
    /// (`git -c core.pager=…`, `tar --checkpoint-action=exec=…`, `rg --pre`).
    Option,
}

/// Code that runs in a shell or an interpreter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeExec {
    /// The interpreter program (`python3`, `bash`, `node`, `eval`, `git`).
    pub interpreter: String,
    /// The language (`shell`, `python`, `javascript`, `perl`, `ruby`, `php`, `awk`, `sed`, `lua`, `applescript`, `r`, `powershell`).
    pub language: String,
    /// Where the code comes from.
    pub source: CodeSource,
    /// The code text, when known statically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For code from a file: the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Word>,
    /// For unknown code: the program that produces it (`curl` in `curl … | sh`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    /// Where it sits in the input.
    pub origin: Origin,
}

/// A call of an MCP server's tool (`mcp__server__tool`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct McpCall {
    /// The server name.
    pub server: String,
    /// The tool name on that server.
    pub tool: String,
    /// The tool's arguments.
    pub args: serde_json::Value,
}

/// A tool without further semantics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolUse {
    /// The tool name.
    pub tool: String,
}

/// Why part of the input could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpaqueReason {
    /// The shell parser reported a syntax error or a missing token.
    ParseError,
    /// The input is larger than the configured cap.
    TooLarge,
    /// Nesting (substitutions, `bash -c` in `bash -c`, ...) exceeds the depth limit.
    TooDeep,
    /// The node/work budget was exhausted.
    BudgetExhausted,
    /// A command name is not known statically (`$cmd args`).
    DynamicCommand,
    /// Code is evaluated whose text is not known statically (`eval "$x"`).
    DynamicCode,
    /// The tool input does not have the expected shape.
    BadInput,
    /// A construct the normalizer does not model.
    Unsupported,
}

/// Something that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opaque {
    /// The kind of problem.
    pub reason: OpaqueReason,
    /// A human explanation naming what and where.
    pub detail: String,
    /// Where it sits in the input.
    pub origin: Origin,
}

/// The nesting context of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Context {
    /// Inside `( … )`.
    Subshell,
    /// Inside `$( … )` or backticks.
    Substitution,
    /// Inside `<( … )` or `>( … )`.
    ProcessSubstitution,
    /// A stage of a pipeline.
    Pipeline {
        /// 0-based position.
        index: usize,
        /// Number of stages.
        len: usize,
    },
    /// Run in the background (`&`).
    Background,
    /// Only runs when a condition holds (`if`, `&&`, `||`, `case`, loop bodies).
    Conditional,
    /// The body of a function, called by name.
    Function {
        /// The function's name.
        name: String,
    },
    /// Code given to a shell as a string (`bash -c`, `su -c`, `watch`, ...).
    ShellString {
        /// The shell or wrapper that runs it.
        via: String,
    },
    /// Code given to `eval` or `source`.
    Eval,
    /// Code a shell reads from stdin (a pipeline, here-document or here-string).
    ShellStdin {
        /// The shell that reads it.
        shell: String,
    },
    /// Text decoded by a pipeline before it reached a shell (`base64 -d`, `xxd -r`, `rev`, `tr`).
    Decoded {
        /// The decoding steps.
        via: String,
    },
    /// A command run on another host (`ssh host cmd`).
    Remote {
        /// The host as written.
        host: String,
    },
    /// A command run in a container (`docker exec`, `kubectl exec`).
    Container {
        /// The tool (`docker`, `kubectl`, `podman`).
        via: String,
        /// The container or pod.
        target: String,
    },
    /// Shell code held in another program's option or config
    /// (`git -c core.pager=…`, `find -exec`, `tar --checkpoint-action=exec=`).
    Embedded {
        /// The program and option (`git core.pager`).
        via: String,
    },
}

/// Where an action sits in the input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Origin {
    /// The enclosing contexts, outermost first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<Context>,
    /// The wrappers this command was unwrapped from, outermost first (`["sudo", "env"]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub wrappers: Vec<String>,
    /// The working directory the command runs in, when known (tracks `cd`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Byte offset of the command in the top-level input (for nested code: of the enclosing command).
    pub offset: usize,
}

impl Origin {
    /// Nesting depth of command/process substitutions.
    pub fn substitution_depth(&self) -> usize {
        self.context
            .iter()
            .filter(|c| matches!(c, Context::Substitution | Context::ProcessSubstitution))
            .count()
    }

    /// The pipeline position of the innermost pipeline, if any.
    pub fn pipeline(&self) -> Option<(usize, usize)> {
        self.context.iter().rev().find_map(|c| match c {
            Context::Pipeline { index, len } => Some((*index, *len)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cow_is_text_and_borrows_one_part_words() {
        let dynamic = |source: &str| {
            WordPart::Dynamic(Dynamic {
                source: source.into(),
                producer: None,
            })
        };
        let words = [
            Word::literal("origin"),
            Word {
                parts: Vec::new(),
                glob: false,
            },
            Word {
                parts: vec![dynamic("$HOME")],
                glob: false,
            },
            Word {
                parts: vec![dynamic("$HOME"), WordPart::Literal("/x".into())],
                glob: false,
            },
        ];
        for w in &words {
            assert_eq!(w.text_cow(), w.text());
        }
        assert!(matches!(words[0].text_cow(), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(words[2].text_cow(), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(words[3].text_cow(), std::borrow::Cow::Owned(_)));
    }
}
