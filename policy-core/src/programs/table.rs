//! The program table: one [`ProgramSpec`] row per program (or family of
//! programs sharing a syntax, like `npm`/`pnpm`/`yarn`).
//!
//! A row says how the program's argument vector is structured (which options
//! take a value, whether short flags bundle, whether options may follow
//! operands, which subcommands exist) and what its operands and option values
//! mean, as [`Rule`]s: "the values of `-o`/`--output` are written", "the last
//! operand is written when there are at least two and no `-t`", "the operands
//! are deleted, recursively when `-r` is given". Adding a program means adding
//! a row; [`parse`](fn@super::parse) and [`effects`](fn@super::effects) interpret
//! the rows and know no program by name.
//!
//! Conventions:
//!
//! * Option names are written as on the command line: `-f`, `--force`, or a
//!   single-dash long name (`-auto-approve`) for [`Syntax::GoFlag`] and
//!   [`Syntax::Find`] programs. Short and long spellings of one option are
//!   listed separately; rules list both.
//! * [`Scope::value_opts`] take a value: a short one as the rest of its bundle
//!   or the next argument (`-ofile`, `-o file`), a long one as `--opt=value` or
//!   the next argument. [`Scope::optional_value_opts`] take a value only when
//!   it is attached (`sed -i.bak`, `--color=auto`); a long option of that kind
//!   may *only* take `=value`. Every long option accepts `--opt=value` when
//!   written that way.
//! * [`Scope::flags`] are options without a value. They are listed for the
//!   unambiguous-prefix expansion of long options (`git push --forc`) and for
//!   the whole-word match of multi-letter short options (`zip -TT`).

use super::effects::Role;

/// How a program's arguments are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// POSIX/GNU `getopt_long` style: `-abc` bundles (when
    /// [`ProgramSpec::bundling`]), `--long`, `--long=value`, `--` ends options.
    Getopt,
    /// Go's `flag` package (`terraform`): every option is one word `-name` or
    /// `--name` (canonical `-name`), `-name=value` or `-name value`, no bundling.
    GoFlag,
    /// `find`: start paths, then an expression of single-dash primaries.
    Find,
}

/// Whether options may follow operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permute {
    /// Use the enclosing scope's (finally the program's) setting.
    Inherit,
    /// POSIX: the first operand ends the options (`xargs`, `docker run IMAGE cmd -x`).
    Never,
    /// GNU permutation: options anywhere until `--` (`rm x -rf`).
    Always,
    /// Options may follow the first N operands; operand N+1 ends them
    /// (`ssh HOST -p 22 cmd -x`).
    UntilOperand(usize),
}

/// Which operands a [`Source::Operands`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Every operand.
    All,
    /// The operand at this index.
    Index(usize),
    /// The operands from this index on.
    From(usize),
    /// The last operand.
    Last,
    /// Every operand except the last.
    AllButLast,
    /// The operands after `--` (none when there is no `--`).
    AfterDashdash,
    /// The operands before `--` (all when there is no `--`).
    BeforeDashdash,
}

/// Where a rule's targets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Operands.
    Operands(Pick),
    /// The values of these options (every occurrence).
    Values(&'static [&'static str]),
    /// The value part of `KEY=value` operands (`dd if=…`).
    KeyValue(&'static str),
    /// A fixed target (`.` for "the working directory").
    Literal(&'static str),
    /// The picked operands joined by spaces into one target (`redis-cli SET k v`).
    Joined(Pick),
    /// Each target of the first source, with `:` and the first target of the
    /// second source appended when there is one (`nc HOST PORT`, `psql -h H -p P`).
    HostPort(&'static Source, &'static Source),
}

/// How each target of a rule is selected or cut out of its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// The whole word.
    Any,
    /// Only remote locations: `scheme://…`, `host:path`, `user@host:path`, `host::module`.
    Remote,
    /// Only words that are not [`Filter::Remote`].
    Local,
    /// Only URLs (`scheme://…`).
    Url,
    /// Only words that are not URLs.
    NotUrl,
    /// `@file` → `file` (`curl -d @file`); other words are skipped.
    AtFile,
    /// `curl --data-urlencode`: `@file` or `name@file` → `file`.
    UrlencodeFile,
    /// `curl -F`: `name=@file;type=…` or `name=<file` → `file`.
    FormFile,
    /// Only words without `=` (`curl -b FILE` versus `-b name=value`).
    NoEquals,
    /// The part after the first `=` (`helm --set-file key=path`).
    AfterEquals,
    /// `docker -v SRC:DST[:opts]` → `SRC` when it is a host path (not a named volume).
    BindSource,
    /// `--mount type=bind,source=SRC,…` / `--secret id=x,src=SRC` → `SRC` when it is a path.
    MountSource,
    /// Only words equal to this text.
    Exact(&'static str),
    /// socat addresses `TYPE:rest[,options]` whose type is listed → `rest`.
    AddressType(&'static [&'static str]),
}

/// When a rule applies, tested on the parsed arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// Always.
    Always,
    /// One of these options is present.
    Flag(&'static [&'static str]),
    /// None of these options is present.
    NoFlag(&'static [&'static str]),
    /// One of these options has one of these values (case-insensitive; `-X POST`).
    FlagValue(&'static [&'static str], &'static [&'static str]),
    /// There are at least this many operands.
    MinOperands(usize),
    /// There are no operands.
    NoOperands,
    /// There was a `--`.
    Dashdash,
    /// The condition does not hold.
    Not(&'static Cond),
    /// All conditions hold.
    All(&'static [Cond]),
    /// Some condition holds.
    Any(&'static [Cond]),
}

/// Whether a rule's effects are recursive (a directory tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rec {
    /// Not recursive.
    No,
    /// Always recursive (`mv` of a directory, `rsync --delete`).
    Yes,
    /// Recursive when one of these options is present (`rm -r`).
    If(&'static [&'static str]),
}

/// One piece of meaning: "these targets have this role".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The role of the targets.
    pub role: Role,
    /// Where the targets come from (all of these).
    pub from: &'static [Source],
    /// How each target is selected or cut out of its word.
    pub filter: Filter,
    /// When the rule applies.
    pub when: Cond,
    /// Whether the effects are recursive.
    pub recursive: Rec,
    /// How the effect is described (`rm operand`, `curl -o`).
    pub via: &'static str,
}

impl Rule {
    /// A rule that always applies, with whole-word, non-recursive targets.
    pub const fn new(role: Role, from: &'static [Source], via: &'static str) -> Rule {
        Rule {
            role,
            from,
            filter: Filter::Any,
            when: Cond::Always,
            recursive: Rec::No,
            via,
        }
    }

    /// The rule with a condition.
    pub const fn when(self, when: Cond) -> Rule {
        Rule { when, ..self }
    }

    /// The rule with a target filter.
    pub const fn filter(self, filter: Filter) -> Rule {
        Rule { filter, ..self }
    }

    /// The rule with a recursion setting.
    pub const fn rec(self, recursive: Rec) -> Rule {
        Rule { recursive, ..self }
    }
}

/// The options, subcommands and rules of a program or of one of its subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The subcommand's names, canonical first (`install`, `i`, `add`); empty for a program's root.
    pub names: &'static [&'static str],
    /// Options that take a value.
    pub value_opts: &'static [&'static str],
    /// Options that take a value only when attached (`-i.bak`, `--color=auto`).
    pub optional_value_opts: &'static [&'static str],
    /// Options without a value (for prefix expansion and whole-word matches).
    pub flags: &'static [&'static str],
    /// Known subcommands.
    pub subcommands: &'static [Scope],
    /// How many leading operands are subcommand words even when not listed
    /// (`git frobnicate`, `aws ec2 terminate-instances`).
    pub implicit_subcommands: usize,
    /// An unknown long option takes the next argument as its value unless it
    /// starts with `-` (`aws … --bucket NAME`, where every parameter is `--name value`).
    pub guess_long_values: bool,
    /// Option permutation for this scope and below.
    pub permute: Permute,
    /// What the operands and option values mean.
    pub rules: &'static [Rule],
}

impl Scope {
    /// An empty scope with these names.
    pub const fn new(names: &'static [&'static str]) -> Scope {
        Scope {
            names,
            value_opts: &[],
            optional_value_opts: &[],
            flags: &[],
            subcommands: &[],
            implicit_subcommands: 0,
            guess_long_values: false,
            permute: Permute::Inherit,
            rules: &[],
        }
    }

    /// With options that take a value.
    pub const fn values(self, value_opts: &'static [&'static str]) -> Scope {
        Scope { value_opts, ..self }
    }

    /// With options that take an attached value only.
    pub const fn optional(self, optional_value_opts: &'static [&'static str]) -> Scope {
        Scope {
            optional_value_opts,
            ..self
        }
    }

    /// With options without a value.
    pub const fn flags(self, flags: &'static [&'static str]) -> Scope {
        Scope { flags, ..self }
    }

    /// With subcommands.
    pub const fn subs(self, subcommands: &'static [Scope]) -> Scope {
        Scope {
            subcommands,
            ..self
        }
    }

    /// With implicit subcommand words.
    pub const fn implicit(self, implicit_subcommands: usize) -> Scope {
        Scope {
            implicit_subcommands,
            ..self
        }
    }

    /// With guessed values of unknown long options.
    pub const fn guess(self) -> Scope {
        Scope {
            guess_long_values: true,
            ..self
        }
    }

    /// With a permutation setting.
    pub const fn permute(self, permute: Permute) -> Scope {
        Scope { permute, ..self }
    }

    /// With rules.
    pub const fn rules(self, rules: &'static [Rule]) -> Scope {
        Scope { rules, ..self }
    }

    /// The kind of an option in this scope alone.
    pub(crate) fn kind(&self, name: &str) -> OptKind {
        if self.value_opts.contains(&name) {
            OptKind::Value
        } else if self.optional_value_opts.contains(&name) {
            OptKind::Optional
        } else if self.flags.contains(&name) {
            OptKind::Flag
        } else {
            OptKind::Unknown
        }
    }

    /// Every long option name known in this scope.
    pub(crate) fn long_names(&self) -> impl Iterator<Item = &'static str> {
        self.value_opts
            .iter()
            .chain(self.optional_value_opts)
            .chain(self.flags)
            .copied()
            .filter(|n| n.starts_with("--"))
    }
}

/// What the table knows about one option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptKind {
    Value,
    Optional,
    Flag,
    Unknown,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramSpec {
    /// Program names (base names, as in [`Exec::program`](crate::Exec::program)).
    pub names: &'static [&'static str],
    /// How options are spelled.
    pub syntax: Syntax,
    /// Short flags bundle (`-rf` is `-r -f`).
    pub bundling: bool,
    /// Options may follow operands (GNU permutation) unless a scope says otherwise.
    pub permute: Permute,
    /// Unambiguous prefixes of long options are accepted (`git push --forc`).
    pub prefix_long: bool,
    /// Options of enclosing scopes are also accepted after a subcommand
    /// (`kubectl delete pod x -n prod`); otherwise each scope has its own options
    /// (`git -C dir push` versus `git commit -C commit`).
    pub inherit_options: bool,
    /// The first argument may be a dashless bundle of short options (`tar xzf a.tgz`).
    pub first_arg_bundle: bool,
    /// A dash word made of letters that are not all known short options is an
    /// operand (`chmod -x file`, `chmod -rwx f`: a mode, not options).
    pub unknown_short_is_operand: bool,
    /// A `+toolchain` word may precede the subcommand (`cargo +nightly build`).
    pub toolchain_arg: bool,
    /// The root scope: options, subcommands and rules.
    pub root: Scope,
}

impl ProgramSpec {
    /// A getopt-style program with bundling and GNU permutation.
    pub const fn new(names: &'static [&'static str], root: Scope) -> ProgramSpec {
        ProgramSpec {
            names,
            syntax: Syntax::Getopt,
            bundling: true,
            permute: Permute::Always,
            prefix_long: false,
            inherit_options: false,
            first_arg_bundle: false,
            unknown_short_is_operand: false,
            toolchain_arg: false,
            root,
        }
    }

    /// With unambiguous long-option prefixes (GNU `getopt_long`, git, optparse).
    pub const fn prefixes(self) -> ProgramSpec {
        ProgramSpec {
            prefix_long: true,
            ..self
        }
    }

    /// With a permutation setting.
    pub const fn permute(self, permute: Permute) -> ProgramSpec {
        ProgramSpec { permute, ..self }
    }

    /// With options inherited by subcommands.
    pub const fn inherit(self) -> ProgramSpec {
        ProgramSpec {
            inherit_options: true,
            ..self
        }
    }

    /// With a syntax (and no bundling unless getopt).
    pub const fn syntax(self, syntax: Syntax) -> ProgramSpec {
        ProgramSpec {
            syntax,
            bundling: matches!(syntax, Syntax::Getopt),
            ..self
        }
    }

    /// Without short-flag bundling.
    pub const fn no_bundling(self) -> ProgramSpec {
        ProgramSpec {
            bundling: false,
            ..self
        }
    }
}

/// The row for a program name: exact match first, then with a version suffix
/// removed (`pip3.12` → `pip3` → `pip`).
pub fn lookup(program: &str) -> Option<&'static ProgramSpec> {
    // Only the rows with a name starting with the same byte, in table order.
    let find = |name: &str| {
        let first = name.as_bytes().first()?;
        let mut rows = BY_FIRST_BYTE.get(usize::from(*first)).copied().unwrap_or(0);
        while rows != 0 {
            let i = rows.trailing_zeros() as usize;
            rows &= rows - 1;
            let p = PROGRAMS.get(i)?;
            if p.names.contains(&name) {
                return Some(p);
            }
        }
        None
    };
    if let Some(p) = find(program) {
        return Some(p);
    }
    let trimmed = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    if trimmed.is_empty() || trimmed == program {
        return None;
    }
    find(trimmed)
}

/// The fallback row for programs not in the table: bundling, permutation, no
/// value knowledge, no rules.
pub(crate) static GENERIC: ProgramSpec = ProgramSpec::new(&[], Scope::new(&[]));

/// `find`'s primaries that run a command up to `;` or `{} +`.
pub(crate) const FIND_EXEC: &[&str] = &["-exec", "-execdir", "-ok", "-okdir"];

use Cond::{Flag, FlagValue, MinOperands, NoFlag, NoOperands};
use Pick::{AllButLast, Index, Last};
use Role::{Code, Connect, Delete, Fetch, Read, Send, Write};
use Source::{Literal, Operands, Values};

const ALL: &[Source] = &[Operands(Pick::All)];
const FIRST: &[Source] = &[Operands(Index(0))];
const SECOND: &[Source] = &[Operands(Index(1))];
const LAST: &[Source] = &[Operands(Last)];
const BUT_LAST: &[Source] = &[Operands(AllButLast)];
const CWD: &[Source] = &[Literal(".")];

// ---------------------------------------------------------------- coreutils

const RM_REC: &[&str] = &["-r", "-R", "--recursive"];
const CP_REC: &[&str] = &["-r", "-R", "--recursive", "-a", "--archive"];
const TARGET_DIR: &[&str] = &["-t", "--target-directory"];
const NO_TARGET_TWO: Cond = Cond::All(&[NoFlag(TARGET_DIR), MinOperands(2)]);
const REFERENCE: &[&str] = &["--reference"];

const RM: ProgramSpec = ProgramSpec::new(
    &["rm"],
    Scope::new(&[])
        .optional(&["--interactive", "--preserve-root"])
        .flags(&[
            "-f",
            "--force",
            "-i",
            "-I",
            "--one-file-system",
            "--no-preserve-root",
            "-r",
            "-R",
            "--recursive",
            "-d",
            "--dir",
            "-v",
            "--verbose",
            "--help",
            "--version",
        ])
        .rules(&[Rule::new(Delete, ALL, "rm operand").rec(Rec::If(RM_REC))]),
)
.prefixes();

const RMDIR: ProgramSpec = ProgramSpec::new(
    &["rmdir"],
    Scope::new(&[])
        .flags(&[
            "--ignore-fail-on-non-empty",
            "-p",
            "--parents",
            "-v",
            "--verbose",
        ])
        .rules(&[Rule::new(Delete, ALL, "rmdir operand")]),
)
.prefixes();

const CP_VALUES: &[&str] = &[
    "-S",
    "--suffix",
    "-t",
    "--target-directory",
    "--no-preserve",
    "--sparse",
];

const CP: ProgramSpec = ProgramSpec::new(
    &["cp"],
    Scope::new(&[])
        .values(CP_VALUES)
        .optional(&[
            "--backup",
            "--preserve",
            "--reflink",
            "--update",
            "--context",
        ])
        .flags(&[
            "-a",
            "--archive",
            "-b",
            "-d",
            "-f",
            "--force",
            "-i",
            "--interactive",
            "-H",
            "-l",
            "--link",
            "-L",
            "--dereference",
            "-n",
            "--no-clobber",
            "-P",
            "--no-dereference",
            "-p",
            "-R",
            "-r",
            "--recursive",
            "-s",
            "--symbolic-link",
            "-T",
            "--no-target-directory",
            "-u",
            "-v",
            "--verbose",
            "-x",
            "--one-file-system",
            "-Z",
            "--attributes-only",
            "--copy-contents",
            "--debug",
            "--parents",
            "--remove-destination",
            "--strip-trailing-slashes",
            "--keep-directory-symlink",
        ])
        .rules(&[
            Rule::new(Read, BUT_LAST, "cp source")
                .when(NO_TARGET_TWO)
                .rec(Rec::If(CP_REC)),
            Rule::new(Write, LAST, "cp destination")
                .when(NO_TARGET_TWO)
                .rec(Rec::If(CP_REC)),
            Rule::new(Read, ALL, "cp source")
                .when(Flag(TARGET_DIR))
                .rec(Rec::If(CP_REC)),
            Rule::new(Write, &[Values(TARGET_DIR)], "cp -t").rec(Rec::If(CP_REC)),
        ]),
)
.prefixes();

const MV: ProgramSpec = ProgramSpec::new(
    &["mv"],
    Scope::new(&[])
        .values(&["-S", "--suffix", "-t", "--target-directory"])
        .optional(&["--backup", "--update"])
        .flags(&[
            "-b",
            "-f",
            "--force",
            "-i",
            "--interactive",
            "-n",
            "--no-clobber",
            "-T",
            "--no-target-directory",
            "-u",
            "-v",
            "--verbose",
            "-Z",
            "--context",
            "--no-copy",
            "--strip-trailing-slashes",
            "--exchange",
            "--debug",
        ])
        .rules(&[
            Rule::new(Read, BUT_LAST, "mv source")
                .when(NO_TARGET_TWO)
                .rec(Rec::Yes),
            Rule::new(Delete, BUT_LAST, "mv source")
                .when(NO_TARGET_TWO)
                .rec(Rec::Yes),
            Rule::new(Write, LAST, "mv destination")
                .when(NO_TARGET_TWO)
                .rec(Rec::Yes),
            Rule::new(Read, ALL, "mv source")
                .when(Flag(TARGET_DIR))
                .rec(Rec::Yes),
            Rule::new(Delete, ALL, "mv source")
                .when(Flag(TARGET_DIR))
                .rec(Rec::Yes),
            Rule::new(Write, &[Values(TARGET_DIR)], "mv -t").rec(Rec::Yes),
        ]),
)
.prefixes();

const LN: ProgramSpec = ProgramSpec::new(
    &["ln"],
    Scope::new(&[])
        .values(&["-S", "--suffix", "-t", "--target-directory"])
        .optional(&["--backup"])
        .flags(&[
            "-b",
            "-d",
            "-F",
            "--directory",
            "-f",
            "--force",
            "-i",
            "--interactive",
            "-L",
            "--logical",
            "-n",
            "--no-dereference",
            "-P",
            "--physical",
            "-r",
            "--relative",
            "-s",
            "--symbolic",
            "-T",
            "--no-target-directory",
            "-v",
            "--verbose",
        ])
        .rules(&[
            Rule::new(Read, BUT_LAST, "ln target").when(NO_TARGET_TWO),
            Rule::new(Write, LAST, "ln link name").when(NO_TARGET_TWO),
            Rule::new(Read, FIRST, "ln target")
                .when(Cond::All(&[NoFlag(TARGET_DIR), Cond::Not(&MinOperands(2))])),
            Rule::new(Read, ALL, "ln target").when(Flag(TARGET_DIR)),
            Rule::new(Write, &[Values(TARGET_DIR)], "ln -t"),
        ]),
)
.prefixes();

const CHMOD_FLAGS: &[&str] = &[
    "-c",
    "--changes",
    "-f",
    "--silent",
    "--quiet",
    "-v",
    "--verbose",
    "-R",
    "--recursive",
    "--no-preserve-root",
    "--preserve-root",
    "-H",
    "-L",
    "-P",
    "-h",
    "--dereference",
    "--no-dereference",
];
const CHMOD_REC: &[&str] = &["-R", "--recursive"];

/// Rules shared by `chmod`, `chown`, `chgrp`: the first operand is the mode or
/// owner unless `--reference` is given; the others are changed.
const CHMOD_RULES: &[Rule] = &[
    Rule::new(Write, &[Operands(Pick::From(1))], "metadata operand")
        .when(NoFlag(REFERENCE))
        .rec(Rec::If(CHMOD_REC)),
    Rule::new(Write, ALL, "metadata operand")
        .when(Flag(REFERENCE))
        .rec(Rec::If(CHMOD_REC)),
    Rule::new(Read, &[Values(REFERENCE)], "--reference"),
];

const CHMOD: ProgramSpec = ProgramSpec {
    unknown_short_is_operand: true,
    ..ProgramSpec::new(
        &["chmod"],
        Scope::new(&[])
            .values(REFERENCE)
            .flags(CHMOD_FLAGS)
            .rules(CHMOD_RULES),
    )
    .prefixes()
};

const CHOWN: ProgramSpec = ProgramSpec::new(
    &["chown", "chgrp"],
    Scope::new(&[])
        .values(&["--reference", "--from"])
        .flags(CHMOD_FLAGS)
        .rules(CHMOD_RULES),
)
.prefixes();

const DD: ProgramSpec = ProgramSpec::new(
    &["dd"],
    Scope::new(&[]).rules(&[
        Rule::new(Read, &[Source::KeyValue("if")], "dd if="),
        Rule::new(Write, &[Source::KeyValue("of")], "dd of="),
    ]),
);

const SHRED: ProgramSpec = ProgramSpec::new(
    &["shred"],
    Scope::new(&[])
        .values(&["-n", "--iterations", "-s", "--size", "--random-source"])
        .optional(&["--remove"])
        .flags(&[
            "-f",
            "--force",
            "-u",
            "-v",
            "--verbose",
            "-x",
            "--exact",
            "-z",
            "--zero",
        ])
        .rules(&[
            Rule::new(Write, ALL, "shred operand"),
            Rule::new(Delete, ALL, "shred -u").when(Flag(&["-u", "--remove"])),
            Rule::new(
                Read,
                &[Values(&["--random-source"])],
                "shred --random-source",
            ),
        ]),
)
.prefixes();

const TRUNCATE: ProgramSpec = ProgramSpec::new(
    &["truncate"],
    Scope::new(&[])
        .values(&["-s", "--size", "-r", "--reference"])
        .flags(&["-c", "--no-create", "-o", "--io-blocks"])
        .rules(&[
            Rule::new(Write, ALL, "truncate operand"),
            Rule::new(
                Read,
                &[Values(&["-r", "--reference"])],
                "truncate --reference",
            ),
        ]),
)
.prefixes();

const TEE_APPEND: &[&str] = &["-a", "--append"];

const TEE: ProgramSpec = ProgramSpec::new(
    &["tee"],
    Scope::new(&[])
        .optional(&["--output-error"])
        .flags(&["-a", "--append", "-i", "--ignore-interrupts", "-p"])
        .rules(&[
            Rule::new(Write, ALL, "tee operand").when(NoFlag(TEE_APPEND)),
            Rule::new(Write, ALL, "tee -a operand").when(Flag(TEE_APPEND)),
        ]),
)
.prefixes();

const TOUCH: ProgramSpec = ProgramSpec::new(
    &["touch"],
    Scope::new(&[])
        .values(&["-d", "--date", "-r", "--reference", "-t", "--time"])
        .flags(&[
            "-a",
            "-c",
            "--no-create",
            "-f",
            "-h",
            "--no-dereference",
            "-m",
        ])
        .rules(&[
            Rule::new(Write, ALL, "touch operand"),
            Rule::new(Read, &[Values(&["-r", "--reference"])], "touch --reference"),
        ]),
)
.prefixes();

const MKDIR: ProgramSpec = ProgramSpec::new(
    &["mkdir"],
    Scope::new(&[])
        .values(&["-m", "--mode"])
        .optional(&["--context"])
        .flags(&["-p", "--parents", "-v", "--verbose", "-Z"])
        .rules(&[Rule::new(Write, ALL, "mkdir operand")]),
)
.prefixes();

const CAT: ProgramSpec = ProgramSpec::new(
    &["cat"],
    Scope::new(&[])
        .flags(&[
            "-A",
            "--show-all",
            "-b",
            "--number-nonblank",
            "-e",
            "-E",
            "--show-ends",
            "-n",
            "--number",
            "-s",
            "--squeeze-blank",
            "-t",
            "-T",
            "--show-tabs",
            "-u",
            "-v",
            "--show-nonprinting",
        ])
        .rules(&[Rule::new(Read, ALL, "cat operand")]),
)
.prefixes();

const HEAD: ProgramSpec = ProgramSpec::new(
    &["head"],
    Scope::new(&[])
        .values(&["-c", "--bytes", "-n", "--lines"])
        .flags(&[
            "-q",
            "--quiet",
            "--silent",
            "-v",
            "--verbose",
            "-z",
            "--zero-terminated",
        ])
        .rules(&[Rule::new(Read, ALL, "head operand")]),
)
.prefixes();

const TAIL: ProgramSpec = ProgramSpec::new(
    &["tail"],
    Scope::new(&[])
        .values(&[
            "-c",
            "--bytes",
            "-n",
            "--lines",
            "-s",
            "--sleep-interval",
            "--pid",
            "--max-unchanged-stats",
        ])
        .optional(&["--follow"])
        .flags(&[
            "-f",
            "-F",
            "-q",
            "--quiet",
            "--silent",
            "--retry",
            "-v",
            "--verbose",
            "-z",
            "--zero-terminated",
        ])
        .rules(&[Rule::new(Read, ALL, "tail operand")]),
)
.prefixes();

const LESS: ProgramSpec = ProgramSpec::new(
    &["less"],
    Scope::new(&[])
        .values(&[
            "-b",
            "--buffers",
            "-h",
            "--max-back-scroll",
            "-j",
            "--jump-target",
            "-k",
            "--lesskey-file",
            "-o",
            "--log-file",
            "-O",
            "--LOG-FILE",
            "-p",
            "--pattern",
            "-P",
            "--prompt",
            "-t",
            "--tag",
            "-T",
            "--tag-file",
            "-x",
            "--tabs",
            "-y",
            "--max-forw-scroll",
            "-z",
            "--window",
            "-#",
            "--shift",
        ])
        .flags(&[
            "-R",
            "--RAW-CONTROL-CHARS",
            "-r",
            "--raw-control-chars",
            "-S",
            "--chop-long-lines",
            "-N",
            "--LINE-NUMBERS",
            "-F",
            "--quit-if-one-screen",
            "-X",
            "--no-init",
            "-i",
            "--ignore-case",
            "-I",
            "--IGNORE-CASE",
            "-M",
            "-m",
            "-e",
            "-E",
            "-f",
            "--force",
            "-n",
            "-q",
            "-Q",
            "-s",
            "-w",
            "-W",
            "-+",
        ])
        .rules(&[
            Rule::new(Read, ALL, "less operand"),
            Rule::new(
                Write,
                &[Values(&["-o", "-O", "--log-file", "--LOG-FILE"])],
                "less -o",
            ),
            Rule::new(
                Read,
                &[Values(&["-k", "--lesskey-file", "-T", "--tag-file"])],
                "less -k",
            ),
        ]),
);

const MORE: ProgramSpec = ProgramSpec::new(
    &["more"],
    Scope::new(&[])
        .values(&["-n", "--lines"])
        .flags(&["-d", "-f", "-l", "-c", "-p", "-s", "-u", "-e"])
        .rules(&[Rule::new(Read, ALL, "more operand")]),
);

const SED_SCRIPT: &[&str] = &["-e", "--expression", "-f", "--file"];
const SED_INPLACE: &[&str] = &["-i", "--in-place"];

const SED: ProgramSpec = ProgramSpec::new(
    &["sed", "gsed"],
    Scope::new(&[])
        .values(&["-e", "--expression", "-f", "--file", "-l", "--line-length"])
        .optional(&["-i", "--in-place"])
        .flags(&[
            "-n",
            "--quiet",
            "--silent",
            "-E",
            "-r",
            "--regexp-extended",
            "-s",
            "--separate",
            "-u",
            "--unbuffered",
            "-z",
            "--null-data",
            "--posix",
            "--debug",
            "--sandbox",
            "--follow-symlinks",
            "-b",
            "--binary",
        ])
        .rules(&[
            Rule::new(Code, FIRST, "sed script").when(NoFlag(SED_SCRIPT)),
            Rule::new(Code, &[Values(&["-e", "--expression"])], "sed -e"),
            Rule::new(Read, &[Values(&["-f", "--file"])], "sed -f"),
            Rule::new(Read, &[Operands(Pick::From(1))], "sed operand")
                .when(Cond::All(&[NoFlag(SED_SCRIPT), NoFlag(SED_INPLACE)])),
            Rule::new(Read, ALL, "sed operand")
                .when(Cond::All(&[Flag(SED_SCRIPT), NoFlag(SED_INPLACE)])),
            Rule::new(Write, &[Operands(Pick::From(1))], "sed -i operand")
                .when(Cond::All(&[NoFlag(SED_SCRIPT), Flag(SED_INPLACE)])),
            Rule::new(Write, ALL, "sed -i operand")
                .when(Cond::All(&[Flag(SED_SCRIPT), Flag(SED_INPLACE)])),
        ]),
)
.prefixes();

// ---------------------------------------------------------------- archives

const TAR_WRITES_ARCHIVE: Cond = Flag(&[
    "-c",
    "--create",
    "-r",
    "--append",
    "-u",
    "--update",
    "-A",
    "--catenate",
    "--concatenate",
    "--delete",
]);
const TAR_ADDS: Cond = Flag(&["-c", "--create", "-r", "--append", "-u", "--update"]);
const TAR_READS_ARCHIVE: Cond = Flag(&[
    "-x",
    "--extract",
    "--get",
    "-t",
    "--list",
    "-d",
    "--diff",
    "--compare",
]);
const TAR_EXTRACT: &[&str] = &["-x", "--extract", "--get"];
const TAR_DIR: &[&str] = &["-C", "--directory"];

const TAR: ProgramSpec = ProgramSpec {
    first_arg_bundle: true,
    ..ProgramSpec::new(
        &["tar", "gtar", "bsdtar"],
        Scope::new(&[])
            .values(&[
                "-f",
                "--file",
                "-C",
                "--directory",
                "-T",
                "--files-from",
                "-X",
                "--exclude-from",
                "-b",
                "--blocking-factor",
                "-H",
                "--format",
                "-I",
                "--use-compress-program",
                "-K",
                "--starting-file",
                "-N",
                "--newer",
                "--after-date",
                "-L",
                "--tape-length",
                "-V",
                "--label",
                "-g",
                "--listed-incremental",
                "-F",
                "--info-script",
                "--new-volume-script",
                "--exclude",
                "--transform",
                "--xform",
                "--owner",
                "--group",
                "--mode",
                "--mtime",
                "--to-command",
                "--strip-components",
                "--index-file",
                "--rsh-command",
                "--checkpoint-action",
                "--suffix",
                "--record-size",
                "--volno-file",
                "--newer-mtime",
                "--xattrs-include",
                "--xattrs-exclude",
                "--exclude-tag",
                "--exclude-tag-under",
                "--exclude-tag-all",
                "--quoting-style",
                "--level",
                "--sort",
                "--warning",
                "--hole-detection",
                "--owner-map",
                "--group-map",
                "--pax-option",
                "--sparse-version",
                "--quote-chars",
                "--no-quote-chars",
            ])
            .optional(&[
                "--occurrence",
                "--atime-preserve",
                "--backup",
                "--checkpoint",
                "--one-top-level",
                "--totals",
            ])
            .flags(&[
                "-c",
                "--create",
                "-x",
                "--extract",
                "--get",
                "-t",
                "--list",
                "-r",
                "--append",
                "-u",
                "--update",
                "-A",
                "--catenate",
                "--concatenate",
                "-d",
                "--diff",
                "--compare",
                "--delete",
                "-z",
                "--gzip",
                "--gunzip",
                "--ungzip",
                "-j",
                "--bzip2",
                "-J",
                "--xz",
                "--lzma",
                "--zstd",
                "--lzip",
                "--lzop",
                "-Z",
                "--compress",
                "-a",
                "--auto-compress",
                "-v",
                "--verbose",
                "-p",
                "--preserve-permissions",
                "--same-permissions",
                "-k",
                "--keep-old-files",
                "-O",
                "--to-stdout",
                "-P",
                "--absolute-names",
                "-S",
                "--sparse",
                "-W",
                "--verify",
                "-m",
                "--touch",
                "-h",
                "--dereference",
                "-o",
                "-s",
                "--same-order",
                "--preserve-order",
                "-U",
                "--unlink-first",
                "--overwrite",
                "--remove-files",
                "--recursion",
                "--no-recursion",
                "--keep-newer-files",
                "--skip-old-files",
                "--numeric-owner",
                "--no-same-owner",
                "--same-owner",
                "--wildcards",
                "--anchored",
                "--ignore-case",
                "-l",
                "--check-links",
                "-M",
                "--multi-volume",
                "-R",
                "--block-number",
                "-w",
                "--interactive",
                "--confirmation",
                "-B",
                "--read-full-records",
                "-i",
                "--ignore-zeros",
                "-G",
                "--incremental",
                "-n",
                "--seek",
                "--full-time",
                "--utc",
                "--null",
                "--no-null",
                "--show-transformed-names",
                "--exclude-vcs",
                "--exclude-caches",
                "--exclude-backups",
                "--force-local",
                "--ignore-failed-read",
                "--xattrs",
                "--no-xattrs",
                "--selinux",
                "--acls",
                "--no-overwrite-dir",
                "--delay-directory-restore",
                "--keep-directory-symlink",
                "--show-omitted-dirs",
                "--show-stored-names",
            ])
            .rules(&[
                Rule::new(Write, &[Values(&["-f", "--file"])], "tar -f (create)")
                    .when(TAR_WRITES_ARCHIVE),
                Rule::new(Read, &[Values(&["-f", "--file"])], "tar -f").when(TAR_READS_ARCHIVE),
                Rule::new(Read, ALL, "tar member")
                    .when(TAR_ADDS)
                    .rec(Rec::Yes),
                Rule::new(Read, &[Values(TAR_DIR)], "tar -C")
                    .when(TAR_ADDS)
                    .rec(Rec::Yes),
                Rule::new(Write, &[Values(TAR_DIR)], "tar -C (extract)")
                    .when(Flag(TAR_EXTRACT))
                    .rec(Rec::Yes),
                Rule::new(Write, CWD, "tar extract")
                    .when(Cond::All(&[
                        Flag(TAR_EXTRACT),
                        NoFlag(TAR_DIR),
                        NoFlag(&["-O", "--to-stdout", "--to-command"]),
                    ]))
                    .rec(Rec::Yes),
                Rule::new(Delete, ALL, "tar --remove-files")
                    .when(Flag(&["--remove-files"]))
                    .rec(Rec::Yes),
                Rule::new(
                    Read,
                    &[Values(&["-T", "--files-from", "-X", "--exclude-from"])],
                    "tar -T",
                ),
                Rule::new(
                    Write,
                    &[Values(&["-g", "--listed-incremental", "--index-file"])],
                    "tar -g",
                ),
                Rule::new(
                    Code,
                    &[Values(&[
                        "-I",
                        "--use-compress-program",
                        "--to-command",
                        "--checkpoint-action",
                        "--rsh-command",
                        "-F",
                        "--info-script",
                        "--new-volume-script",
                    ])],
                    "tar command option",
                ),
            ]),
    )
    .prefixes()
};

const UNZIP_NO_WRITE: &[&str] = &["-l", "-t", "-v", "-p", "-c", "-z", "-Z"];

const UNZIP: ProgramSpec = ProgramSpec::new(
    &["unzip"],
    Scope::new(&[])
        .values(&["-d", "-P", "-I", "-O"])
        .flags(&[
            "-o", "-n", "-q", "-qq", "-l", "-t", "-v", "-p", "-j", "-a", "-aa", "-b", "-C", "-L",
            "-u", "-f", "-z", "-Z", "-K", "-X", "-V", "-M", "-c", "-x",
        ])
        .rules(&[
            Rule::new(Read, FIRST, "unzip archive"),
            Rule::new(Write, &[Values(&["-d"])], "unzip -d")
                .when(NoFlag(UNZIP_NO_WRITE))
                .rec(Rec::Yes),
            Rule::new(Write, CWD, "unzip (cwd)")
                .when(Cond::All(&[NoFlag(UNZIP_NO_WRITE), NoFlag(&["-d"])]))
                .rec(Rec::Yes),
        ]),
);

const ZIP: ProgramSpec = ProgramSpec::new(
    &["zip"],
    Scope::new(&[])
        .values(&[
            "-b",
            "--temp-path",
            "-n",
            "--suffixes",
            "-t",
            "--from-date",
            "-tt",
            "--before-date",
            "-O",
            "--output-file",
            "-P",
            "--password",
            "-s",
            "--split-size",
            "-Z",
            "--compression-method",
            "-TT",
            "--unzip-command",
        ])
        .flags(&[
            "-r",
            "--recurse-paths",
            "-R",
            "--recurse-patterns",
            "-j",
            "--junk-paths",
            "-q",
            "--quiet",
            "-v",
            "-u",
            "--update",
            "-f",
            "--freshen",
            "-d",
            "--delete",
            "-m",
            "--move",
            "-D",
            "-e",
            "--encrypt",
            "-T",
            "--test",
            "-y",
            "--symlinks",
            "-X",
            "-z",
            "-A",
            "-F",
            "-FF",
            "-l",
            "-ll",
            "-@",
            "-0",
            "-1",
            "-2",
            "-3",
            "-4",
            "-5",
            "-6",
            "-7",
            "-8",
            "-9",
            "-x",
            "-i",
        ])
        .rules(&[
            Rule::new(Write, FIRST, "zip archive"),
            Rule::new(Read, &[Operands(Pick::From(1))], "zip member")
                .when(NoFlag(&["-d", "--delete"]))
                .rec(Rec::If(&[
                    "-r",
                    "--recurse-paths",
                    "-R",
                    "--recurse-patterns",
                ])),
            Rule::new(Delete, &[Operands(Pick::From(1))], "zip -m")
                .when(Flag(&["-m", "--move"]))
                .rec(Rec::If(&[
                    "-r",
                    "--recurse-paths",
                    "-R",
                    "--recurse-patterns",
                ])),
            Rule::new(Write, &[Values(&["-O", "--output-file"])], "zip -O"),
            Rule::new(Code, &[Values(&["-TT", "--unzip-command"])], "zip -TT"),
        ]),
);

const BASE64: ProgramSpec = ProgramSpec::new(
    &["base64", "base32", "basenc"],
    Scope::new(&[])
        .values(&["-w", "--wrap"])
        .flags(&["-d", "--decode", "-i", "--ignore-garbage"])
        .rules(&[Rule::new(Read, ALL, "base64 operand")]),
)
.prefixes();

const INSTALL_DIR: &[&str] = &["-d", "--directory"];

const INSTALL: ProgramSpec = ProgramSpec::new(
    &["install"],
    Scope::new(&[])
        .values(&[
            "-g",
            "--group",
            "-m",
            "--mode",
            "-o",
            "--owner",
            "-S",
            "--suffix",
            "-t",
            "--target-directory",
            "--strip-program",
        ])
        .optional(&["--backup", "--context"])
        .flags(&[
            "-b",
            "-c",
            "-C",
            "--compare",
            "-d",
            "--directory",
            "-D",
            "-p",
            "--preserve-timestamps",
            "-s",
            "--strip",
            "-T",
            "--no-target-directory",
            "-v",
            "--verbose",
            "-Z",
            "--preserve-context",
            "--debug",
        ])
        .rules(&[
            Rule::new(Write, ALL, "install -d").when(Flag(INSTALL_DIR)),
            Rule::new(Read, BUT_LAST, "install source")
                .when(Cond::All(&[NoFlag(INSTALL_DIR), NO_TARGET_TWO])),
            Rule::new(Write, LAST, "install destination")
                .when(Cond::All(&[NoFlag(INSTALL_DIR), NO_TARGET_TWO])),
            Rule::new(Read, ALL, "install source")
                .when(Cond::All(&[NoFlag(INSTALL_DIR), Flag(TARGET_DIR)])),
            Rule::new(Write, &[Values(TARGET_DIR)], "install -t"),
            Rule::new(
                Code,
                &[Values(&["--strip-program"])],
                "install --strip-program",
            ),
        ]),
)
.prefixes();

const GPG_KEY_COMMANDS: &[&str] = &[
    "-k",
    "--list-keys",
    "--list-public-keys",
    "-K",
    "--list-secret-keys",
    "--export",
    "--export-secret-keys",
    "--export-secret-subkeys",
    "--send-keys",
    "--recv-keys",
    "--receive-keys",
    "--search-keys",
    "--refresh-keys",
    "--delete-keys",
    "--delete-key",
    "--delete-secret-keys",
    "--delete-secret-and-public-key",
    "--edit-key",
    "--sign-key",
    "--lsign-key",
    "--gen-revoke",
    "--generate-revocation",
    "--fingerprint",
    "--list-sigs",
    "--check-sigs",
    "--quick-generate-key",
    "--quick-gen-key",
    "--gen-key",
    "--generate-key",
    "--full-generate-key",
    "--full-gen-key",
    "--card-status",
    "--export-ownertrust",
];

const GPG: ProgramSpec = ProgramSpec::new(
    &["gpg", "gpg2"],
    Scope::new(&[])
        .values(&[
            "-o",
            "--output",
            "-r",
            "--recipient",
            "-R",
            "--hidden-recipient",
            "-f",
            "--recipient-file",
            "-u",
            "--local-user",
            "--homedir",
            "--keyserver",
            "--passphrase",
            "--passphrase-file",
            "--passphrase-fd",
            "--default-key",
            "--trust-model",
            "--cipher-algo",
            "--digest-algo",
            "--compress-algo",
            "-z",
            "--pinentry-mode",
            "--keyring",
            "--secret-keyring",
            "--status-fd",
            "--logger-fd",
            "--command-fd",
            "--attribute-fd",
            "--status-file",
            "--logger-file",
            "--set-filename",
            "--comment",
            "--default-recipient",
            "--keyserver-options",
            "--export-options",
            "--import-options",
            "--list-options",
            "--verify-options",
            "--auto-key-locate",
            "--trusted-key",
            "--faked-system-time",
            "--options",
            "--s2k-cipher-algo",
            "--s2k-digest-algo",
        ])
        .flags(&[
            "-e",
            "--encrypt",
            "-d",
            "--decrypt",
            "-s",
            "--sign",
            "-c",
            "--symmetric",
            "-a",
            "--armor",
            "--armour",
            "-b",
            "--detach-sign",
            "--clear-sign",
            "--clearsign",
            "--verify",
            "--import",
            "--batch",
            "--yes",
            "--no",
            "-q",
            "--quiet",
            "-v",
            "--verbose",
            "--with-colons",
            "--no-tty",
            "--always-trust",
            "--dearmor",
            "--enarmor",
            "--print-md",
            "--store",
            "--import-ownertrust",
            "--list-packets",
            "-n",
            "--dry-run",
            "--decrypt-files",
            "--encrypt-files",
            "-k",
            "--list-keys",
            "--list-public-keys",
            "-K",
            "--list-secret-keys",
            "--export",
            "--export-secret-keys",
            "--export-secret-subkeys",
            "--send-keys",
            "--recv-keys",
            "--receive-keys",
            "--search-keys",
            "--refresh-keys",
            "--delete-keys",
            "--delete-key",
            "--delete-secret-keys",
            "--delete-secret-and-public-key",
            "--edit-key",
            "--sign-key",
            "--lsign-key",
            "--gen-revoke",
            "--generate-revocation",
            "--fingerprint",
            "--list-sigs",
            "--check-sigs",
            "--quick-generate-key",
            "--quick-gen-key",
            "--gen-key",
            "--generate-key",
            "--full-generate-key",
            "--full-gen-key",
            "--card-status",
            "--export-ownertrust",
        ])
        .rules(&[
            Rule::new(Read, ALL, "gpg input").when(NoFlag(GPG_KEY_COMMANDS)),
            Rule::new(Write, &[Values(&["-o", "--output"])], "gpg --output"),
            Rule::new(
                Read,
                &[Values(&[
                    "--passphrase-file",
                    "--options",
                    "-f",
                    "--recipient-file",
                    "--keyring",
                    "--secret-keyring",
                ])],
                "gpg file option",
            ),
            Rule::new(Send, &[Values(&["--keyserver"])], "gpg --send-keys")
                .when(Flag(&["--send-keys"])),
            Rule::new(Fetch, &[Values(&["--keyserver"])], "gpg --recv-keys").when(Flag(&[
                "--recv-keys",
                "--receive-keys",
                "--search-keys",
                "--refresh-keys",
            ])),
        ]),
)
.prefixes();

// ---------------------------------------------------------------- find, xargs

const FIND: ProgramSpec = ProgramSpec::new(
    &["find", "gfind"],
    Scope::new(&[])
        .values(&[
            "-D",
            "-name",
            "-iname",
            "-path",
            "-ipath",
            "-wholename",
            "-iwholename",
            "-regex",
            "-iregex",
            "-regextype",
            "-type",
            "-xtype",
            "-size",
            "-perm",
            "-user",
            "-group",
            "-uid",
            "-gid",
            "-mtime",
            "-mmin",
            "-atime",
            "-amin",
            "-ctime",
            "-cmin",
            "-newer",
            "-anewer",
            "-cnewer",
            "-maxdepth",
            "-mindepth",
            "-links",
            "-inum",
            "-samefile",
            "-fstype",
            "-printf",
            "-fprint",
            "-fprint0",
            "-fls",
            "-fprintf",
            "-lname",
            "-ilname",
            "-used",
            "-context",
            "-files0-from",
        ])
        .flags(&[
            "-H",
            "-L",
            "-P",
            "-delete",
            "-print",
            "-print0",
            "-ls",
            "-prune",
            "-quit",
            "-depth",
            "-xdev",
            "-mount",
            "-follow",
            "-noleaf",
            "-empty",
            "-readable",
            "-writable",
            "-executable",
            "-nouser",
            "-nogroup",
            "-true",
            "-false",
            "-not",
            "-a",
            "-and",
            "-o",
            "-or",
            "-daystart",
            "-ignore_readdir_race",
            "-noignore_readdir_race",
        ])
        .rules(&[
            Rule::new(Read, ALL, "find start path").rec(Rec::Yes),
            Rule::new(Read, CWD, "find start path")
                .when(NoOperands)
                .rec(Rec::Yes),
            Rule::new(Delete, ALL, "find -delete")
                .when(Flag(&["-delete"]))
                .rec(Rec::Yes),
            Rule::new(Delete, CWD, "find -delete")
                .when(Cond::All(&[Flag(&["-delete"]), NoOperands]))
                .rec(Rec::Yes),
            Rule::new(
                Write,
                &[Values(&["-fprint", "-fprint0", "-fls", "-fprintf"])],
                "find -fprint",
            ),
            Rule::new(Read, &[Values(&["-files0-from"])], "find -files0-from"),
            Rule::new(Code, &[Values(FIND_EXEC)], "find -exec"),
        ]),
)
.syntax(Syntax::Find);

const XARGS: ProgramSpec = ProgramSpec::new(
    &["xargs"],
    Scope::new(&[])
        .values(&[
            "-a",
            "--arg-file",
            "-d",
            "--delimiter",
            "-E",
            "-I",
            "-L",
            "-n",
            "--max-args",
            "-P",
            "--max-procs",
            "-s",
            "--max-chars",
            "--process-slot-var",
        ])
        .optional(&["-e", "--eof", "-i", "--replace", "-l", "--max-lines"])
        .flags(&[
            "-0",
            "--null",
            "-o",
            "--open-tty",
            "-p",
            "--interactive",
            "-r",
            "--no-run-if-empty",
            "-t",
            "--verbose",
            "-x",
            "--exit",
            "--show-limits",
        ])
        .rules(&[Rule::new(
            Read,
            &[Values(&["-a", "--arg-file"])],
            "xargs -a",
        )]),
)
.permute(Permute::Never)
.prefixes();

// ---------------------------------------------------------------- network

const REMOTE_COPY_MIN: Cond = MinOperands(2);

const CURL_SEND: Cond = Cond::Any(&[
    Flag(&[
        "-d",
        "--data",
        "--data-ascii",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "--json",
        "-F",
        "--form",
        "--form-string",
        "-T",
        "--upload-file",
    ]),
    FlagValue(&["-X", "--request"], &["POST", "PUT", "PATCH", "DELETE"]),
]);
const CURL_URLS: &[Source] = &[Operands(Pick::All), Values(&["--url"])];

const CURL: ProgramSpec = ProgramSpec::new(
    &["curl"],
    Scope::new(&[])
        .values(&[
            "-A",
            "--user-agent",
            "-b",
            "--cookie",
            "-c",
            "--cookie-jar",
            "-C",
            "--continue-at",
            "-d",
            "--data",
            "--data-ascii",
            "--data-binary",
            "--data-raw",
            "--data-urlencode",
            "--json",
            "-D",
            "--dump-header",
            "-e",
            "--referer",
            "-E",
            "--cert",
            "--cert-type",
            "--key",
            "--key-type",
            "--pass",
            "-F",
            "--form",
            "--form-string",
            "-H",
            "--header",
            "--proxy-header",
            "-K",
            "--config",
            "-m",
            "--max-time",
            "--connect-timeout",
            "-o",
            "--output",
            "--output-dir",
            "-P",
            "--ftp-port",
            "-Q",
            "--quote",
            "-r",
            "--range",
            "-T",
            "--upload-file",
            "-t",
            "--telnet-option",
            "-u",
            "--user",
            "-U",
            "--proxy-user",
            "-w",
            "--write-out",
            "-x",
            "--proxy",
            "-X",
            "--request",
            "-y",
            "--speed-time",
            "-Y",
            "--speed-limit",
            "-z",
            "--time-cond",
            "--url",
            "--cacert",
            "--capath",
            "--netrc-file",
            "--resolve",
            "--connect-to",
            "--interface",
            "--retry",
            "--retry-delay",
            "--retry-max-time",
            "--max-filesize",
            "--limit-rate",
            "--trace",
            "--trace-ascii",
            "--stderr",
            "--libcurl",
            "--unix-socket",
            "--abstract-unix-socket",
            "--proxy-cacert",
            "--proxy-cert",
            "--proxy-key",
            "--oauth2-bearer",
            "--aws-sigv4",
            "--variable",
            "--url-query",
            "--doh-url",
            "--dns-servers",
            "--local-port",
            "--max-redirs",
            "--noproxy",
            "--preproxy",
            "--socks4",
            "--socks4a",
            "--socks5",
            "--socks5-hostname",
            "--mail-from",
            "--mail-rcpt",
            "--pubkey",
            "--ciphers",
            "--tls-max",
            "--crlfile",
            "--engine",
            "--create-file-mode",
            "--etag-save",
            "--etag-compare",
            "--hsts",
            "--alt-svc",
            "--proto",
            "--proto-redir",
            "--proto-default",
            "--request-target",
            "--rate",
            "--parallel-max",
            "--expect100-timeout",
            "--keepalive-time",
            "--login-options",
            "--sasl-authzid",
            "--service-name",
        ])
        .flags(&[
            "-f",
            "--fail",
            "-s",
            "--silent",
            "-S",
            "--show-error",
            "-L",
            "--location",
            "-k",
            "--insecure",
            "-v",
            "--verbose",
            "-i",
            "--include",
            "-I",
            "--head",
            "-O",
            "--remote-name",
            "-J",
            "--remote-header-name",
            "-G",
            "--get",
            "-N",
            "--no-buffer",
            "-n",
            "--netrc",
            "-g",
            "--globoff",
            "-#",
            "--progress-bar",
            "-Z",
            "--parallel",
            "--compressed",
            "--fail-with-body",
            "--create-dirs",
            "-l",
            "--list-only",
            "-q",
            "-R",
            "--remote-time",
            "-j",
            "--junk-session-cookies",
            "-0",
            "--http1.0",
            "-1",
            "--tlsv1",
            "-2",
            "-3",
            "-4",
            "--ipv4",
            "-6",
            "--ipv6",
            "-a",
            "--append",
            "-B",
            "--use-ascii",
            "-M",
            "--manual",
            "-p",
            "--proxytunnel",
            "-V",
            "--version",
            "-h",
            "--help",
            "--http1.1",
            "--http2",
            "--http3",
            "--remote-name-all",
            "--ssl-reqd",
            "--retry-all-errors",
            "--no-progress-meter",
            "--path-as-is",
        ])
        .rules(&[
            Rule::new(Fetch, CURL_URLS, "curl URL").when(Cond::Not(&CURL_SEND)),
            Rule::new(Send, CURL_URLS, "curl URL (send)").when(CURL_SEND),
            Rule::new(Write, &[Values(&["-o", "--output"])], "curl -o"),
            Rule::new(
                Write,
                &[Values(&[
                    "--output-dir",
                    "-D",
                    "--dump-header",
                    "-c",
                    "--cookie-jar",
                    "--trace",
                    "--trace-ascii",
                    "--stderr",
                    "--libcurl",
                    "--etag-save",
                    "--hsts",
                    "--alt-svc",
                ])],
                "curl output file",
            ),
            Rule::new(
                Read,
                &[Values(&[
                    "-d",
                    "--data",
                    "--data-ascii",
                    "--data-binary",
                    "--json",
                ])],
                "curl -d @file",
            )
            .filter(Filter::AtFile),
            Rule::new(
                Read,
                &[Values(&["--data-urlencode"])],
                "curl --data-urlencode @file",
            )
            .filter(Filter::UrlencodeFile),
            Rule::new(Read, &[Values(&["-F", "--form"])], "curl -F @file").filter(Filter::FormFile),
            Rule::new(Read, &[Values(&["-T", "--upload-file"])], "curl -T"),
            Rule::new(Read, &[Values(&["-H", "--header"])], "curl -H @file").filter(Filter::AtFile),
            Rule::new(Read, &[Values(&["-b", "--cookie"])], "curl -b file")
                .filter(Filter::NoEquals),
            Rule::new(
                Read,
                &[Values(&[
                    "-K",
                    "--config",
                    "-E",
                    "--cert",
                    "--key",
                    "--cacert",
                    "--capath",
                    "--netrc-file",
                    "--etag-compare",
                    "--proxy-cacert",
                    "--proxy-cert",
                    "--proxy-key",
                    "--crlfile",
                ])],
                "curl file option",
            ),
            Rule::new(
                Connect,
                &[Values(&[
                    "-x",
                    "--proxy",
                    "--preproxy",
                    "--socks4",
                    "--socks4a",
                    "--socks5",
                    "--socks5-hostname",
                ])],
                "curl -x",
            ),
        ]),
);

const WGET_SEND: Cond = Cond::Any(&[
    Flag(&["--post-data", "--post-file", "--body-data", "--body-file"]),
    FlagValue(&["--method"], &["POST", "PUT", "PATCH", "DELETE"]),
]);
const WGET_REC: &[&str] = &["-r", "--recursive", "-m", "--mirror"];

const WGET: ProgramSpec = ProgramSpec::new(
    &["wget", "wget2"],
    Scope::new(&[])
        .values(&[
            "-O",
            "--output-document",
            "-o",
            "--output-file",
            "-a",
            "--append-output",
            "-i",
            "--input-file",
            "-P",
            "--directory-prefix",
            "-e",
            "--execute",
            "-t",
            "--tries",
            "-T",
            "--timeout",
            "-w",
            "--wait",
            "-U",
            "--user-agent",
            "-Q",
            "--quota",
            "-l",
            "--level",
            "-B",
            "--base",
            "-D",
            "--domains",
            "-X",
            "--exclude-directories",
            "-I",
            "--include-directories",
            "-A",
            "--accept",
            "-R",
            "--reject",
            "--post-data",
            "--post-file",
            "--body-data",
            "--body-file",
            "--method",
            "--header",
            "--user",
            "--password",
            "--http-user",
            "--http-password",
            "--ftp-user",
            "--ftp-password",
            "--load-cookies",
            "--save-cookies",
            "--certificate",
            "--private-key",
            "--ca-certificate",
            "--ca-directory",
            "--config",
            "--bind-address",
            "--limit-rate",
            "--referer",
            "--proxy-user",
            "--proxy-password",
            "--default-page",
            "--restrict-file-names",
            "--progress",
            "--dns-timeout",
            "--connect-timeout",
            "--read-timeout",
            "--waitretry",
            "--local-encoding",
            "--remote-encoding",
            "--use-askpass",
            "--accept-regex",
            "--reject-regex",
            "--regex-type",
            "--cut-dirs",
        ])
        .flags(&[
            "-q",
            "--quiet",
            "-v",
            "--verbose",
            "-nv",
            "--no-verbose",
            "-c",
            "--continue",
            "-N",
            "--timestamping",
            "-r",
            "--recursive",
            "-m",
            "--mirror",
            "-k",
            "--convert-links",
            "-p",
            "--page-requisites",
            "-np",
            "--no-parent",
            "-nc",
            "--no-clobber",
            "-nd",
            "--no-directories",
            "-x",
            "--force-directories",
            "-nH",
            "--no-host-directories",
            "-H",
            "--span-hosts",
            "-L",
            "--relative",
            "-b",
            "--background",
            "-S",
            "--server-response",
            "--spider",
            "--no-check-certificate",
            "--content-disposition",
            "--trust-server-names",
            "-E",
            "--adjust-extension",
            "-K",
            "--backup-converted",
            "-F",
            "--force-html",
            "-4",
            "--inet4-only",
            "-6",
            "--inet6-only",
            "--no-cookies",
            "--keep-session-cookies",
            "--ignore-length",
            "--no-proxy",
            "--https-only",
            "--show-progress",
            "-V",
            "--version",
            "-h",
            "--help",
        ])
        .rules(&[
            Rule::new(Fetch, ALL, "wget URL")
                .when(Cond::Not(&WGET_SEND))
                .rec(Rec::If(WGET_REC)),
            Rule::new(Send, ALL, "wget URL (send)").when(WGET_SEND),
            Rule::new(Write, &[Values(&["-O", "--output-document"])], "wget -O"),
            Rule::new(
                Write,
                &[Values(&[
                    "-o",
                    "--output-file",
                    "-a",
                    "--append-output",
                    "--save-cookies",
                ])],
                "wget log file",
            ),
            Rule::new(Write, &[Values(&["-P", "--directory-prefix"])], "wget -P").rec(Rec::Yes),
            Rule::new(Read, &[Values(&["-i", "--input-file"])], "wget -i").filter(Filter::NotUrl),
            Rule::new(Fetch, &[Values(&["-i", "--input-file"])], "wget -i").filter(Filter::Url),
            Rule::new(
                Read,
                &[Values(&["--post-file", "--body-file"])],
                "wget --post-file",
            ),
            Rule::new(
                Read,
                &[Values(&[
                    "--load-cookies",
                    "--certificate",
                    "--private-key",
                    "--ca-certificate",
                    "--config",
                ])],
                "wget file option",
            ),
        ]),
)
.prefixes();

/// Rules shared by `scp` and `rsync`: local sources are read, remote sources
/// fetched, a local destination written, a remote one sent to.
macro_rules! remote_copy_rules {
    ($prog:literal, $rec:expr) => {
        [
            Rule::new(Read, BUT_LAST, concat!($prog, " source"))
                .filter(Filter::Local)
                .when(REMOTE_COPY_MIN)
                .rec($rec),
            Rule::new(Fetch, BUT_LAST, concat!($prog, " remote source"))
                .filter(Filter::Remote)
                .when(REMOTE_COPY_MIN)
                .rec($rec),
            Rule::new(Write, LAST, concat!($prog, " destination"))
                .filter(Filter::Local)
                .when(REMOTE_COPY_MIN)
                .rec($rec),
            Rule::new(Send, LAST, concat!($prog, " remote destination"))
                .filter(Filter::Remote)
                .when(REMOTE_COPY_MIN)
                .rec($rec),
        ]
    };
}

const SCP_COPY: [Rule; 4] = remote_copy_rules!("scp", Rec::If(&["-r"]));
const SCP_RULES: &[Rule] = &[
    SCP_COPY[0],
    SCP_COPY[1],
    SCP_COPY[2],
    SCP_COPY[3],
    Rule::new(Read, &[Values(&["-i", "-F"])], "scp -i"),
    Rule::new(Connect, &[Values(&["-J"])], "scp -J"),
    Rule::new(Code, &[Values(&["-S"])], "scp -S"),
];

const SCP: ProgramSpec = ProgramSpec::new(
    &["scp"],
    Scope::new(&[])
        .values(&["-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-X"])
        .flags(&[
            "-3", "-4", "-6", "-A", "-B", "-C", "-O", "-p", "-q", "-R", "-r", "-s", "-T", "-v",
        ])
        .rules(SCP_RULES),
);

const RSYNC_REC: Rec = Rec::If(&["-r", "--recursive", "-a", "--archive"]);
const RSYNC_COPY: [Rule; 4] = remote_copy_rules!("rsync", RSYNC_REC);
const RSYNC_RULES: &[Rule] = &[
    RSYNC_COPY[0],
    RSYNC_COPY[1],
    RSYNC_COPY[2],
    RSYNC_COPY[3],
    Rule::new(Delete, LAST, "rsync --delete")
        .when(Cond::All(&[
            REMOTE_COPY_MIN,
            Flag(&[
                "--delete",
                "--del",
                "--delete-before",
                "--delete-during",
                "--delete-delay",
                "--delete-after",
                "--delete-excluded",
            ]),
        ]))
        .rec(Rec::Yes),
    Rule::new(Delete, BUT_LAST, "rsync --remove-source-files")
        .when(Cond::All(&[
            REMOTE_COPY_MIN,
            Flag(&["--remove-source-files"]),
        ]))
        .rec(RSYNC_REC),
    Rule::new(
        Code,
        &[Values(&["-e", "--rsh", "--rsync-path"])],
        "rsync -e",
    ),
    Rule::new(
        Read,
        &[Values(&[
            "--files-from",
            "--exclude-from",
            "--include-from",
            "--password-file",
            "--read-batch",
        ])],
        "rsync file option",
    ),
    Rule::new(
        Write,
        &[Values(&[
            "--log-file",
            "--write-batch",
            "--only-write-batch",
        ])],
        "rsync output file",
    ),
    Rule::new(Write, &[Values(&["--backup-dir"])], "rsync --backup-dir").rec(Rec::Yes),
];

const RSYNC: ProgramSpec = ProgramSpec::new(
    &["rsync"],
    Scope::new(&[])
        .values(&[
            "-e",
            "--rsh",
            "-f",
            "--filter",
            "-T",
            "--temp-dir",
            "-B",
            "--block-size",
            "-M",
            "--remote-option",
            "--rsync-path",
            "--exclude",
            "--include",
            "--files-from",
            "--exclude-from",
            "--include-from",
            "--password-file",
            "--log-file",
            "--log-file-format",
            "--backup-dir",
            "--partial-dir",
            "--compare-dest",
            "--link-dest",
            "--copy-dest",
            "--chmod",
            "--chown",
            "--port",
            "--timeout",
            "--contimeout",
            "--max-size",
            "--min-size",
            "--max-delete",
            "--max-alloc",
            "--out-format",
            "--bwlimit",
            "--iconv",
            "--usermap",
            "--groupmap",
            "--info",
            "--debug",
            "--sockopts",
            "--address",
            "--protocol",
            "--checksum-choice",
            "--cc",
            "--compress-choice",
            "--zc",
            "--compress-level",
            "--zl",
            "--skip-compress",
            "--suffix",
            "--modify-window",
            "-@",
            "--outbuf",
            "--stop-after",
            "--stop-at",
            "--write-batch",
            "--only-write-batch",
            "--read-batch",
            "--early-input",
            "--copy-as",
        ])
        .flags(&[
            "-a",
            "--archive",
            "-r",
            "--recursive",
            "-v",
            "--verbose",
            "-z",
            "--compress",
            "-P",
            "-n",
            "--dry-run",
            "-u",
            "--update",
            "-l",
            "--links",
            "-L",
            "--copy-links",
            "-H",
            "--hard-links",
            "-A",
            "--acls",
            "-X",
            "--xattrs",
            "-o",
            "--owner",
            "-g",
            "--group",
            "-D",
            "-t",
            "--times",
            "-c",
            "--checksum",
            "-h",
            "--human-readable",
            "-q",
            "--quiet",
            "-x",
            "--one-file-system",
            "-R",
            "--relative",
            "-b",
            "--backup",
            "-S",
            "--sparse",
            "-W",
            "--whole-file",
            "-i",
            "--itemize-changes",
            "-m",
            "--prune-empty-dirs",
            "-p",
            "--perms",
            "--progress",
            "--partial",
            "--stats",
            "--delete",
            "--del",
            "--delete-before",
            "--delete-during",
            "--delete-delay",
            "--delete-after",
            "--delete-excluded",
            "--remove-source-files",
            "--ignore-existing",
            "--existing",
            "--size-only",
            "--inplace",
            "--append",
            "--numeric-ids",
            "--no-perms",
        ])
        .rules(RSYNC_RULES),
);

const SSH: ProgramSpec = ProgramSpec::new(
    &["ssh"],
    Scope::new(&[])
        .values(&[
            "-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
            "-o", "-P", "-p", "-Q", "-R", "-S", "-W", "-w",
        ])
        .flags(&[
            "-4", "-6", "-A", "-a", "-C", "-f", "-G", "-g", "-K", "-k", "-M", "-N", "-n", "-q",
            "-s", "-T", "-t", "-V", "-v", "-X", "-x", "-Y", "-y",
        ])
        .rules(&[
            Rule::new(
                Connect,
                &[Source::HostPort(&Operands(Index(0)), &Values(&["-p"]))],
                "ssh host",
            ),
            Rule::new(Connect, &[Values(&["-J", "-W"])], "ssh -J"),
            Rule::new(Read, &[Values(&["-i", "-F"])], "ssh -i"),
            Rule::new(Write, &[Values(&["-E"])], "ssh -E"),
            Rule::new(Code, &[Source::Joined(Pick::From(1))], "ssh remote command"),
        ]),
)
.permute(Permute::UntilOperand(1));

const NC: ProgramSpec = ProgramSpec::new(
    &["nc", "ncat", "netcat", "nc.openbsd", "nc.traditional"],
    Scope::new(&[])
        .values(&[
            "-p",
            "-s",
            "-w",
            "-i",
            "-x",
            "-X",
            "-e",
            "-c",
            "-q",
            "-I",
            "-O",
            "-T",
            "-V",
            "-W",
            "-o",
            "-m",
            "--sh-exec",
            "--exec",
            "--lua-exec",
            "--proxy",
            "--proxy-type",
            "--proxy-auth",
            "--source-port",
            "--source",
            "--wait",
            "--idle-timeout",
            "--output",
            "--hex-dump",
            "--allow",
            "--deny",
            "--max-conns",
        ])
        .flags(&[
            "-l",
            "--listen",
            "-k",
            "--keep-open",
            "-u",
            "--udp",
            "-v",
            "--verbose",
            "-n",
            "--nodns",
            "-z",
            "-N",
            "-d",
            "-D",
            "-4",
            "-6",
            "-U",
            "--unixsock",
            "-C",
            "--crlf",
            "-h",
            "-t",
            "--send-only",
            "--recv-only",
            "--ssl",
            "--append-output",
        ])
        .rules(&[
            Rule::new(
                Connect,
                &[Source::HostPort(&Operands(Index(0)), &Operands(Index(1)))],
                "nc host port",
            )
            .when(NoFlag(&["-l", "--listen"])),
            Rule::new(
                Code,
                &[Values(&["-e", "-c", "--exec", "--sh-exec", "--lua-exec"])],
                "nc -e",
            ),
            Rule::new(Write, &[Values(&["-o", "--output", "--hex-dump"])], "nc -o"),
            Rule::new(Connect, &[Values(&["-x", "--proxy"])], "nc -x"),
        ]),
);

const SOCAT: ProgramSpec = ProgramSpec::new(
    &["socat"],
    Scope::new(&[])
        .values(&["-T", "-b", "-lf", "-L", "-W", "-t", "-lp", "-r", "-R"])
        .flags(&[
            "-d", "-dd", "-ddd", "-D", "-v", "-x", "-u", "-U", "-g", "-ls", "-lm", "-lh", "-lu",
            "-4", "-6", "-h", "-V", "-S",
        ])
        .rules(&[
            Rule::new(Connect, ALL, "socat address").filter(Filter::AddressType(&[
                "TCP",
                "TCP4",
                "TCP6",
                "TCP-CONNECT",
                "TCP4-CONNECT",
                "TCP6-CONNECT",
                "UDP",
                "UDP4",
                "UDP6",
                "UDP-CONNECT",
                "UDP4-CONNECT",
                "UDP6-CONNECT",
                "UDP-SENDTO",
                "SCTP",
                "SCTP-CONNECT",
                "DCCP-CONNECT",
                "OPENSSL",
                "OPENSSL-CONNECT",
                "SSL",
                "SOCKS",
                "SOCKS4",
                "SOCKS4A",
                "SOCKS5",
                "SOCKS5-CONNECT",
                "PROXY",
                "PROXY-CONNECT",
                "VSOCK-CONNECT",
            ])),
            Rule::new(Code, ALL, "socat EXEC/SYSTEM")
                .filter(Filter::AddressType(&["EXEC", "SYSTEM", "SHELL"])),
            Rule::new(Read, ALL, "socat file address")
                .filter(Filter::AddressType(&["OPEN", "GOPEN", "FILE"])),
            Rule::new(Write, ALL, "socat file address").filter(Filter::AddressType(&[
                "OPEN", "GOPEN", "FILE", "CREATE", "CREAT",
            ])),
            Rule::new(Write, &[Values(&["-lf"])], "socat -lf"),
        ]),
)
.no_bundling();

// ---------------------------------------------------------------- git

const GIT_RECURSE: &[&str] = &["--recurse-submodules"];

const GIT_PUSH: Scope = Scope::new(&["push"])
    .values(&["--repo", "--receive-pack", "--exec", "-o", "--push-option"])
    .optional(&["--force-with-lease", "--recurse-submodules", "--signed"])
    .flags(&[
        "--all",
        "--branches",
        "--mirror",
        "--tags",
        "--follow-tags",
        "--no-follow-tags",
        "--atomic",
        "--no-atomic",
        "-n",
        "--dry-run",
        "--porcelain",
        "-d",
        "--delete",
        "-f",
        "--force",
        "--force-if-includes",
        "--no-force-if-includes",
        "--no-force-with-lease",
        "--prune",
        "-v",
        "--verbose",
        "-q",
        "--quiet",
        "--progress",
        "--no-progress",
        "--no-verify",
        "--verify",
        "-u",
        "--set-upstream",
        "--thin",
        "--no-thin",
        "-4",
        "--ipv4",
        "-6",
        "--ipv6",
        "--no-signed",
        "--no-recurse-submodules",
    ])
    .rules(&[
        Rule::new(
            Send,
            &[Operands(Index(0)), Values(&["--repo"])],
            "git push remote",
        ),
        Rule::new(
            Code,
            &[Values(&["--receive-pack", "--exec"])],
            "git push --receive-pack",
        ),
    ]);

const GIT_FETCH_VALUES: &[&str] = &[
    "--upload-pack",
    "--depth",
    "--deepen",
    "--shallow-since",
    "--shallow-exclude",
    "-j",
    "--jobs",
    "--refmap",
    "-o",
    "--server-option",
    "--negotiation-tip",
    "--filter",
    "-s",
    "--strategy",
    "-X",
    "--strategy-option",
];
const GIT_FETCH_FLAGS: &[&str] = &[
    "--all",
    "-a",
    "--append",
    "--atomic",
    "--dry-run",
    "-f",
    "--force",
    "-k",
    "--keep",
    "--multiple",
    "-p",
    "--prune",
    "-P",
    "--prune-tags",
    "-n",
    "--no-tags",
    "-t",
    "--tags",
    "-u",
    "--update-head-ok",
    "-q",
    "--quiet",
    "-v",
    "--verbose",
    "--progress",
    "--unshallow",
    "--update-shallow",
    "-4",
    "--ipv4",
    "-6",
    "--ipv6",
    "--prefetch",
    "--write-fetch-head",
    "--no-write-fetch-head",
    "--set-upstream",
    "--no-recurse-submodules",
    "--ff",
    "--no-ff",
    "--ff-only",
    "--squash",
    "--no-squash",
    "--commit",
    "--no-commit",
    "-e",
    "--edit",
    "--no-edit",
    "--autostash",
    "--no-autostash",
    "--no-rebase",
    "--verify",
    "--no-verify",
    "--allow-unrelated-histories",
    "--stat",
    "--no-stat",
    "--verify-signatures",
    "--no-verify-signatures",
];

const GIT_FETCH: Scope = Scope::new(&["fetch"])
    .values(GIT_FETCH_VALUES)
    .optional(GIT_RECURSE)
    .flags(GIT_FETCH_FLAGS)
    .rules(&[
        Rule::new(Fetch, FIRST, "git fetch remote").when(NoFlag(&["--multiple"])),
        Rule::new(Fetch, ALL, "git fetch remote").when(Flag(&["--multiple"])),
        Rule::new(
            Code,
            &[Values(&["--upload-pack"])],
            "git fetch --upload-pack",
        ),
    ]);

const GIT_PULL: Scope = Scope::new(&["pull"])
    .values(GIT_FETCH_VALUES)
    .optional(&[
        "--recurse-submodules",
        "--rebase",
        "-r",
        "-S",
        "--gpg-sign",
        "--log",
    ])
    .flags(GIT_FETCH_FLAGS)
    .rules(&[
        Rule::new(Fetch, FIRST, "git pull remote"),
        Rule::new(
            Code,
            &[Values(&["--upload-pack"])],
            "git pull --upload-pack",
        ),
    ]);

const GIT_COMMIT: Scope = Scope::new(&["commit"])
    .values(&[
        "-m",
        "--message",
        "-F",
        "--file",
        "-C",
        "--reuse-message",
        "-c",
        "--reedit-message",
        "--author",
        "--date",
        "-t",
        "--template",
        "--fixup",
        "--squash",
        "--cleanup",
        "--trailer",
        "--pathspec-from-file",
    ])
    .optional(&["-S", "--gpg-sign", "-u", "--untracked-files"])
    .flags(&[
        "-a",
        "--all",
        "-p",
        "--patch",
        "-s",
        "--signoff",
        "--no-signoff",
        "-n",
        "--no-verify",
        "--verify",
        "--allow-empty",
        "--allow-empty-message",
        "--amend",
        "--no-edit",
        "-e",
        "--edit",
        "-q",
        "--quiet",
        "-v",
        "--verbose",
        "--dry-run",
        "--short",
        "--branch",
        "--porcelain",
        "--long",
        "-z",
        "--null",
        "-o",
        "--only",
        "-i",
        "--include",
        "--no-post-rewrite",
        "--reset-author",
        "--status",
        "--no-status",
        "--no-gpg-sign",
        "--pathspec-file-nul",
    ])
    .rules(&[Rule::new(
        Read,
        &[Values(&[
            "-F",
            "--file",
            "-t",
            "--template",
            "--pathspec-from-file",
        ])],
        "git commit -F",
    )]);

const GIT_RESET: Scope = Scope::new(&["reset"])
    .values(&["--pathspec-from-file"])
    .optional(GIT_RECURSE)
    .flags(&[
        "--soft",
        "--mixed",
        "--hard",
        "--merge",
        "--keep",
        "-q",
        "--quiet",
        "--no-refresh",
        "--refresh",
        "--pathspec-file-nul",
        "-N",
        "--intent-to-add",
        "--no-recurse-submodules",
        "-p",
        "--patch",
    ])
    .rules(&[Rule::new(Write, CWD, "git reset --hard")
        .when(Flag(&["--hard"]))
        .rec(Rec::Yes)]);

const GIT_CHECKOUT: Scope = Scope::new(&["checkout"])
    .values(&["-b", "-B", "--orphan", "--conflict", "--pathspec-from-file"])
    .optional(&["--track", "-t", "--recurse-submodules"])
    .flags(&[
        "-q",
        "--quiet",
        "-f",
        "--force",
        "--ours",
        "--theirs",
        "-l",
        "--detach",
        "-m",
        "--merge",
        "-p",
        "--patch",
        "--ignore-skip-worktree-bits",
        "--ignore-other-worktrees",
        "--overwrite-ignore",
        "--no-overwrite-ignore",
        "--progress",
        "--no-progress",
        "--no-track",
        "--guess",
        "--no-guess",
        "--overlay",
        "--no-overlay",
        "--pathspec-file-nul",
        "--no-recurse-submodules",
    ])
    .rules(&[
        Rule::new(
            Write,
            &[Operands(Pick::AfterDashdash)],
            "git checkout -- path",
        )
        .rec(Rec::Yes),
        Rule::new(Write, &[Operands(Pick::BeforeDashdash)], "git checkout .")
            .filter(Filter::Exact("."))
            .rec(Rec::Yes),
        Rule::new(Write, CWD, "git checkout -f")
            .when(Flag(&["-f", "--force"]))
            .rec(Rec::Yes),
    ]);

const GIT_RESTORE: Scope = Scope::new(&["restore"])
    .values(&["-s", "--source", "--conflict", "--pathspec-from-file"])
    .optional(GIT_RECURSE)
    .flags(&[
        "-S",
        "--staged",
        "-W",
        "--worktree",
        "-p",
        "--patch",
        "-q",
        "--quiet",
        "--ours",
        "--theirs",
        "-m",
        "--merge",
        "--overlay",
        "--no-overlay",
        "--ignore-unmerged",
        "--progress",
        "--no-progress",
        "--pathspec-file-nul",
    ])
    .rules(&[Rule::new(Write, ALL, "git restore path")
        .when(Cond::Any(&[
            NoFlag(&["-S", "--staged"]),
            Flag(&["-W", "--worktree"]),
        ]))
        .rec(Rec::Yes)]);

const GIT_CLEAN_ACTIVE: Cond = NoFlag(&["-n", "--dry-run"]);

const GIT_CLEAN: Scope = Scope::new(&["clean"])
    .values(&["-e", "--exclude"])
    .flags(&[
        "-d",
        "-f",
        "--force",
        "-i",
        "--interactive",
        "-n",
        "--dry-run",
        "-q",
        "--quiet",
        "-x",
        "-X",
    ])
    .rules(&[
        Rule::new(Delete, ALL, "git clean")
            .when(GIT_CLEAN_ACTIVE)
            .rec(Rec::Yes),
        Rule::new(Delete, CWD, "git clean")
            .when(Cond::All(&[GIT_CLEAN_ACTIVE, NoOperands]))
            .rec(Rec::Yes),
    ]);

const GIT_BRANCH: Scope = Scope::new(&["branch"])
    .values(&[
        "-u",
        "--set-upstream-to",
        "--contains",
        "--no-contains",
        "--merged",
        "--no-merged",
        "--points-at",
        "--sort",
        "--format",
    ])
    .optional(&["--track", "-t", "--column", "--color", "--abbrev"])
    .flags(&[
        "-d",
        "-D",
        "--delete",
        "-f",
        "--force",
        "-m",
        "-M",
        "--move",
        "-c",
        "-C",
        "--copy",
        "-r",
        "--remotes",
        "-a",
        "--all",
        "-l",
        "--list",
        "-v",
        "--verbose",
        "-q",
        "--quiet",
        "--show-current",
        "--unset-upstream",
        "--edit-description",
        "--create-reflog",
        "-i",
        "--ignore-case",
        "--omit-empty",
        "--no-track",
        "--no-column",
        "--no-color",
    ]);

const GIT_REBASE: Scope = Scope::new(&["rebase"])
    .values(&[
        "--onto",
        "-x",
        "--exec",
        "-s",
        "--strategy",
        "-X",
        "--strategy-option",
        "--empty",
        "-C",
        "--whitespace",
    ])
    .optional(&["-S", "--gpg-sign", "--rebase-merges", "-r"])
    .flags(&[
        "-i",
        "--interactive",
        "--continue",
        "--abort",
        "--skip",
        "--quit",
        "--edit-todo",
        "--show-current-patch",
        "-m",
        "--merge",
        "-q",
        "--quiet",
        "-v",
        "--verbose",
        "--stat",
        "-n",
        "--no-stat",
        "--no-verify",
        "--verify",
        "-f",
        "--force-rebase",
        "--fork-point",
        "--no-fork-point",
        "--ignore-whitespace",
        "--committer-date-is-author-date",
        "--ignore-date",
        "--reset-author-date",
        "--signoff",
        "--autosquash",
        "--no-autosquash",
        "--autostash",
        "--no-autostash",
        "--keep-empty",
        "--no-keep-empty",
        "--reapply-cherry-picks",
        "--no-reapply-cherry-picks",
        "--root",
        "--keep-base",
        "--update-refs",
        "--no-update-refs",
        "--apply",
        "--no-rebase-merges",
    ])
    .rules(&[Rule::new(
        Code,
        &[Values(&["-x", "--exec"])],
        "git rebase --exec",
    )]);

const GIT_STASH_VALUES: &[&str] = &["-m", "--message", "--pathspec-from-file"];
const GIT_STASH_FLAGS: &[&str] = &[
    "-p",
    "--patch",
    "-k",
    "--keep-index",
    "--no-keep-index",
    "-u",
    "--include-untracked",
    "--no-include-untracked",
    "-a",
    "--all",
    "-q",
    "--quiet",
    "-S",
    "--staged",
    "--index",
    "--pathspec-file-nul",
];

const GIT_STASH: Scope = Scope::new(&["stash"])
    .values(GIT_STASH_VALUES)
    .flags(GIT_STASH_FLAGS)
    .implicit(1)
    .subs(&[
        Scope::new(&["push"])
            .values(GIT_STASH_VALUES)
            .flags(GIT_STASH_FLAGS),
        Scope::new(&["save"])
            .values(GIT_STASH_VALUES)
            .flags(GIT_STASH_FLAGS),
        Scope::new(&["pop"]).flags(&["--index", "-q", "--quiet"]),
        Scope::new(&["apply"]).flags(&["--index", "-q", "--quiet"]),
        Scope::new(&["drop"]).flags(&["-q", "--quiet"]),
        Scope::new(&["clear"]),
        Scope::new(&["list"]),
        Scope::new(&["show"]),
        Scope::new(&["branch"]),
    ]);

const GIT_TAG: Scope = Scope::new(&["tag"])
    .values(&[
        "-m",
        "--message",
        "-F",
        "--file",
        "-u",
        "--local-user",
        "--contains",
        "--no-contains",
        "--merged",
        "--no-merged",
        "--points-at",
        "--sort",
        "--format",
        "--cleanup",
        "--trailer",
    ])
    .optional(&["--column", "--color", "-n"])
    .flags(&[
        "-a",
        "--annotate",
        "-s",
        "--sign",
        "--no-sign",
        "-d",
        "--delete",
        "-v",
        "--verify",
        "-f",
        "--force",
        "-l",
        "--list",
        "-i",
        "--ignore-case",
        "-e",
        "--edit",
        "--create-reflog",
        "--omit-empty",
    ])
    .rules(&[Rule::new(Read, &[Values(&["-F", "--file"])], "git tag -F")]);

const GIT_REMOTE: Scope = Scope::new(&["remote"])
    .flags(&["-v", "--verbose"])
    .implicit(1)
    .subs(&[
        Scope::new(&["add"])
            .values(&["-t", "--track", "-m", "--master"])
            .optional(&["--mirror"])
            .flags(&["-f", "--fetch", "--tags", "--no-tags"])
            .rules(&[Rule::new(Fetch, SECOND, "git remote add URL")]),
        Scope::new(&["set-url"])
            .flags(&["--push", "--add", "--delete"])
            .rules(&[
                Rule::new(Send, SECOND, "git remote set-url --push").when(Flag(&["--push"])),
                Rule::new(Fetch, SECOND, "git remote set-url").when(NoFlag(&["--push"])),
            ]),
        Scope::new(&["remove", "rm"]),
        Scope::new(&["rename"]).flags(&["--progress", "--no-progress"]),
        Scope::new(&["get-url"]).flags(&["--push", "--all"]),
        Scope::new(&["set-head"]).flags(&["-a", "--auto", "-d", "--delete"]),
        Scope::new(&["prune"]).flags(&["-n", "--dry-run"]),
        Scope::new(&["update"]).flags(&["-p", "--prune"]),
        Scope::new(&["show"]).flags(&["-n"]),
    ]);

const GIT_CONFIG_READS: &[&str] = &[
    "--get",
    "--get-all",
    "--get-regexp",
    "--get-urlmatch",
    "-l",
    "--list",
    "--get-color",
    "--get-colorbool",
];

const GIT_CONFIG: Scope = Scope::new(&["config"])
    .values(&[
        "-f",
        "--file",
        "--blob",
        "--type",
        "-t",
        "--default",
        "--comment",
    ])
    .flags(&[
        "--global",
        "--system",
        "--local",
        "--worktree",
        "-l",
        "--list",
        "--get",
        "--get-all",
        "--get-regexp",
        "--get-urlmatch",
        "--replace-all",
        "--add",
        "--unset",
        "--unset-all",
        "--rename-section",
        "--remove-section",
        "-e",
        "--edit",
        "--bool",
        "--int",
        "--bool-or-int",
        "--path",
        "--expiry-date",
        "-z",
        "--null",
        "--name-only",
        "--show-origin",
        "--show-scope",
        "--includes",
        "--no-includes",
        "--get-color",
        "--get-colorbool",
        "--fixed-value",
    ])
    .rules(&[
        Rule::new(Write, &[Values(&["-f", "--file"])], "git config --file")
            .when(NoFlag(GIT_CONFIG_READS)),
        Rule::new(Read, &[Values(&["-f", "--file"])], "git config --file")
            .when(Flag(GIT_CONFIG_READS)),
    ]);

const GIT_CLONE: Scope = Scope::new(&["clone"])
    .values(&[
        "-o",
        "--origin",
        "-b",
        "--branch",
        "-u",
        "--upload-pack",
        "--template",
        "--reference",
        "--reference-if-able",
        "--separate-git-dir",
        "--depth",
        "--shallow-since",
        "--shallow-exclude",
        "-j",
        "--jobs",
        "-c",
        "--config",
        "--filter",
        "--server-option",
        "--bundle-uri",
        "--ref-format",
        "--revision",
    ])
    .optional(&["--recurse-submodules", "--recursive"])
    .flags(&[
        "-l",
        "--local",
        "--no-local",
        "--no-hardlinks",
        "-s",
        "--shared",
        "--dissociate",
        "-q",
        "--quiet",
        "-v",
        "--verbose",
        "--progress",
        "--no-progress",
        "-n",
        "--no-checkout",
        "--bare",
        "--mirror",
        "--single-branch",
        "--no-single-branch",
        "--no-tags",
        "--tags",
        "--shallow-submodules",
        "--no-shallow-submodules",
        "--remote-submodules",
        "--no-remote-submodules",
        "--sparse",
        "--also-filter-submodules",
        "--reject-shallow",
        "--no-reject-shallow",
    ])
    .rules(&[
        Rule::new(Fetch, FIRST, "git clone URL"),
        Rule::new(Write, SECOND, "git clone directory").rec(Rec::Yes),
        Rule::new(
            Code,
            &[Values(&["-u", "--upload-pack"])],
            "git clone --upload-pack",
        ),
        Rule::new(
            Write,
            &[Values(&["--separate-git-dir"])],
            "git clone --separate-git-dir",
        )
        .rec(Rec::Yes),
        Rule::new(
            Read,
            &[Values(&[
                "--template",
                "--reference",
                "--reference-if-able",
            ])],
            "git clone --template",
        )
        .rec(Rec::Yes),
    ]);

const GIT_DIFF_VALUES: &[&str] = &[
    "--output",
    "-O",
    "--diff-algorithm",
    "--src-prefix",
    "--dst-prefix",
    "--line-prefix",
    "--diff-filter",
    "-S",
    "-G",
    "--anchored",
    "--inter-hunk-context",
    "-l",
    "--unified",
    "--output-indicator-new",
    "--output-indicator-old",
    "--output-indicator-context",
    "--word-diff-regex",
    "--color-moved-ws",
    "--find-object",
    "--skip-to",
    "--rotate-to",
];
const GIT_DIFF_OPTIONAL: &[&str] = &[
    "--relative",
    "--stat",
    "--color",
    "-U",
    "--word-diff",
    "--submodule",
    "--ignore-submodules",
    "-M",
    "-C",
    "-B",
    "--find-renames",
    "--find-copies",
    "--abbrev",
    "--color-moved",
    "--color-words",
    "--dirstat",
    "-X",
];
const GIT_DIFF_FLAGS: &[&str] = &[
    "--cached",
    "--staged",
    "--name-only",
    "--name-status",
    "--numstat",
    "--shortstat",
    "--summary",
    "--no-index",
    "-R",
    "-a",
    "--text",
    "-w",
    "--ignore-all-space",
    "-b",
    "--ignore-space-change",
    "--exit-code",
    "--quiet",
    "--patch",
    "-p",
    "-u",
    "-s",
    "--no-patch",
    "--raw",
    "--minimal",
    "--patience",
    "--histogram",
    "--no-color",
    "--binary",
    "--full-index",
    "--check",
    "--ext-diff",
    "--no-ext-diff",
    "--textconv",
    "--no-textconv",
    "-z",
    "--no-relative",
    "--patch-with-stat",
    "--patch-with-raw",
    "--compact-summary",
];

const GIT_LOG: Scope = Scope::new(&["log"])
    .values(&[
        "-n",
        "--max-count",
        "--skip",
        "--since",
        "--after",
        "--until",
        "--before",
        "--author",
        "--committer",
        "--grep",
        "--format",
        "--date",
        "--output",
        "-L",
        "-G",
        "-S",
        "--encoding",
        "--grep-reflog",
        "--min-parents",
        "--max-parents",
        "--glob",
        "--exclude",
        "--diff-filter",
        "--unified",
        "--since-as-filter",
        "--diff-algorithm",
    ])
    .optional(&[
        "--pretty",
        "--decorate",
        "--branches",
        "--tags",
        "--remotes",
        "--abbrev",
        "--color",
        "--relative",
        "--stat",
        "-U",
        "--word-diff",
        "-M",
        "-C",
        "-B",
        "--find-renames",
        "--no-walk",
        "--notes",
        "--show-notes",
    ])
    .flags(&[
        "--oneline",
        "--graph",
        "--all",
        "-p",
        "--patch",
        "-u",
        "--follow",
        "--no-merges",
        "--merges",
        "--reverse",
        "--name-only",
        "--name-status",
        "-s",
        "--no-patch",
        "--first-parent",
        "--walk-reflogs",
        "-g",
        "--source",
        "--full-diff",
        "--no-color",
        "--raw",
        "--numstat",
        "--shortstat",
        "--summary",
        "-w",
        "--ignore-all-space",
        "--cherry-pick",
        "--left-right",
        "--boundary",
        "--topo-order",
        "--date-order",
        "--author-date-order",
        "--show-signature",
        "--no-decorate",
        "--abbrev-commit",
        "--no-abbrev-commit",
        "--full-history",
        "--simplify-merges",
        "--ancestry-path",
        "--regexp-ignore-case",
        "-i",
        "--all-match",
        "--invert-grep",
        "-E",
        "--extended-regexp",
        "-F",
        "--fixed-strings",
        "-P",
        "--perl-regexp",
        "--stdin",
        "--cherry",
        "--cherry-mark",
        "--parents",
        "--children",
        "--log-size",
    ])
    .rules(&[Rule::new(
        Write,
        &[Values(&["--output"])],
        "git log --output",
    )]);

const GIT_DIFF: Scope = Scope::new(&["diff"])
    .values(GIT_DIFF_VALUES)
    .optional(GIT_DIFF_OPTIONAL)
    .flags(GIT_DIFF_FLAGS)
    .rules(&[
        Rule::new(Write, &[Values(&["--output"])], "git diff --output"),
        Rule::new(Read, ALL, "git diff --no-index").when(Flag(&["--no-index"])),
    ]);

const GIT: ProgramSpec = ProgramSpec::new(
    &["git"],
    Scope::new(&[])
        .values(&[
            "-C",
            "-c",
            "--git-dir",
            "--work-tree",
            "--namespace",
            "--super-prefix",
            "--config-env",
            "--list-cmds",
            "--attr-source",
        ])
        .optional(&["--exec-path"])
        .flags(&[
            "-p",
            "--paginate",
            "-P",
            "--no-pager",
            "--bare",
            "--no-replace-objects",
            "--no-lazy-fetch",
            "--literal-pathspecs",
            "--glob-pathspecs",
            "--noglob-pathspecs",
            "--icase-pathspecs",
            "--no-optional-locks",
            "--no-advice",
            "--version",
            "--help",
            "--html-path",
            "--man-path",
            "--info-path",
        ])
        .implicit(1)
        .subs(&[
            GIT_PUSH,
            GIT_PULL,
            GIT_FETCH,
            GIT_COMMIT,
            GIT_RESET,
            GIT_CHECKOUT,
            GIT_RESTORE,
            GIT_CLEAN,
            GIT_BRANCH,
            GIT_REBASE,
            GIT_STASH,
            GIT_TAG,
            GIT_REMOTE,
            GIT_CONFIG,
            GIT_CLONE,
            GIT_LOG,
            GIT_DIFF,
            Scope::new(&["add"])
                .values(&["--chmod", "--pathspec-from-file"])
                .flags(&[
                    "-A",
                    "--all",
                    "-u",
                    "--update",
                    "-f",
                    "--force",
                    "-n",
                    "--dry-run",
                    "-v",
                    "-p",
                    "--patch",
                    "-i",
                    "--interactive",
                    "-N",
                    "--intent-to-add",
                    "--ignore-errors",
                    "--ignore-missing",
                    "--renormalize",
                    "--sparse",
                ])
                .rules(&[Rule::new(Read, ALL, "git add path").rec(Rec::Yes)]),
            Scope::new(&["rm"])
                .values(&["--pathspec-from-file"])
                .flags(&[
                    "-f",
                    "--force",
                    "-n",
                    "--dry-run",
                    "-r",
                    "--cached",
                    "-q",
                    "--quiet",
                    "--ignore-unmatch",
                    "--sparse",
                ])
                .rules(&[Rule::new(Delete, ALL, "git rm path")
                    .when(NoFlag(&["--cached", "-n", "--dry-run"]))
                    .rec(Rec::If(&["-r"]))]),
            Scope::new(&["mv"])
                .flags(&["-f", "--force", "-k", "-n", "--dry-run", "-v", "--verbose"])
                .rules(&[
                    Rule::new(Read, BUT_LAST, "git mv source")
                        .when(MinOperands(2))
                        .rec(Rec::Yes),
                    Rule::new(Delete, BUT_LAST, "git mv source")
                        .when(MinOperands(2))
                        .rec(Rec::Yes),
                    Rule::new(Write, LAST, "git mv destination")
                        .when(MinOperands(2))
                        .rec(Rec::Yes),
                ]),
            Scope::new(&["archive"])
                .values(&[
                    "-o",
                    "--output",
                    "--format",
                    "--prefix",
                    "--remote",
                    "--exec",
                    "--add-file",
                    "--add-virtual-file",
                    "--mtime",
                ])
                .flags(&[
                    "-l",
                    "--list",
                    "-v",
                    "--verbose",
                    "--worktree-attributes",
                    "-0",
                    "-9",
                ])
                .rules(&[
                    Rule::new(
                        Write,
                        &[Values(&["-o", "--output"])],
                        "git archive --output",
                    ),
                    Rule::new(Fetch, &[Values(&["--remote"])], "git archive --remote"),
                    Rule::new(Code, &[Values(&["--exec"])], "git archive --exec"),
                ]),
            Scope::new(&["apply"])
                .values(&[
                    "-p",
                    "-C",
                    "--exclude",
                    "--include",
                    "--whitespace",
                    "--directory",
                    "--build-fake-ancestor",
                ])
                .flags(&[
                    "--stat",
                    "--numstat",
                    "--summary",
                    "--check",
                    "--index",
                    "--cached",
                    "--intent-to-add",
                    "-3",
                    "--3way",
                    "-R",
                    "--reverse",
                    "--reject",
                    "-z",
                    "--unidiff-zero",
                    "--apply",
                    "--no-add",
                    "--allow-empty",
                    "-v",
                    "--verbose",
                    "-q",
                    "--quiet",
                    "--recount",
                    "--unsafe-paths",
                ])
                .rules(&[Rule::new(Read, ALL, "git apply patch")]),
            Scope::new(&["am"])
                .values(&[
                    "-p",
                    "-C",
                    "--exclude",
                    "--include",
                    "--directory",
                    "--whitespace",
                    "--patch-format",
                    "--resolvemsg",
                    "--quoted-cr",
                    "--empty",
                ])
                .rules(&[Rule::new(Read, ALL, "git am mailbox")]),
            Scope::new(&["init"])
                .values(&[
                    "--template",
                    "--separate-git-dir",
                    "-b",
                    "--initial-branch",
                    "--object-format",
                    "--ref-format",
                ])
                .optional(&["--shared"])
                .flags(&["-q", "--quiet", "--bare"])
                .rules(&[Rule::new(Write, FIRST, "git init directory").rec(Rec::Yes)]),
            Scope::new(&["submodule"])
                .flags(&["--quiet", "-q", "--cached"])
                .implicit(1)
                .subs(&[Scope::new(&["add"])
                    .values(&["-b", "--branch", "--name", "--reference", "--depth"])
                    .flags(&["-f", "--force"])
                    .rules(&[
                        Rule::new(Fetch, FIRST, "git submodule add URL"),
                        Rule::new(Write, SECOND, "git submodule add path").rec(Rec::Yes),
                    ])]),
            Scope::new(&["worktree"]).implicit(1).subs(&[
                Scope::new(&["add"])
                    .values(&["-b", "-B", "--reason"])
                    .flags(&[
                        "-f",
                        "--force",
                        "--detach",
                        "--checkout",
                        "--no-checkout",
                        "--lock",
                        "--orphan",
                        "-q",
                        "--quiet",
                        "--track",
                        "--no-track",
                        "--guess-remote",
                        "--no-guess-remote",
                    ])
                    .rules(&[Rule::new(Write, FIRST, "git worktree add path").rec(Rec::Yes)]),
                Scope::new(&["remove"])
                    .flags(&["-f", "--force"])
                    .rules(&[Rule::new(Delete, FIRST, "git worktree remove").rec(Rec::Yes)]),
            ]),
            Scope::new(&["merge"])
                .values(&[
                    "-m",
                    "-F",
                    "--file",
                    "-s",
                    "--strategy",
                    "-X",
                    "--strategy-option",
                    "--into-name",
                    "--cleanup",
                ])
                .optional(&["-S", "--gpg-sign", "--log"])
                .flags(&[
                    "--commit",
                    "--no-commit",
                    "--edit",
                    "-e",
                    "--no-edit",
                    "--ff",
                    "--no-ff",
                    "--ff-only",
                    "--squash",
                    "--no-squash",
                    "--abort",
                    "--continue",
                    "--quit",
                    "--allow-unrelated-histories",
                    "--autostash",
                    "--no-autostash",
                    "-q",
                    "--quiet",
                    "-v",
                    "--verbose",
                    "--stat",
                    "-n",
                    "--no-stat",
                    "--no-verify",
                    "--verify",
                    "--signoff",
                ])
                .rules(&[Rule::new(
                    Read,
                    &[Values(&["-F", "--file"])],
                    "git merge -F",
                )]),
            Scope::new(&["show"])
                .values(GIT_DIFF_VALUES)
                .optional(GIT_DIFF_OPTIONAL)
                .flags(GIT_DIFF_FLAGS)
                .rules(&[Rule::new(
                    Write,
                    &[Values(&["--output"])],
                    "git show --output",
                )]),
        ]),
)
.prefixes();

// ---------------------------------------------------------------- containers

const DOCKER_RUN_VALUES: &[&str] = &[
    "-v",
    "--volume",
    "--mount",
    "-e",
    "--env",
    "--env-file",
    "-p",
    "--publish",
    "--name",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--network",
    "--net",
    "--network-alias",
    "--entrypoint",
    "-h",
    "--hostname",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--device",
    "--add-host",
    "-l",
    "--label",
    "--label-file",
    "-m",
    "--memory",
    "--memory-swap",
    "--memory-reservation",
    "--cpus",
    "--cpu-shares",
    "-c",
    "--cpuset-cpus",
    "--restart",
    "--pid",
    "--ipc",
    "--uts",
    "--userns",
    "--platform",
    "--pull",
    "--gpus",
    "--ulimit",
    "--tmpfs",
    "--volumes-from",
    "--log-driver",
    "--log-opt",
    "--dns",
    "--dns-search",
    "--dns-option",
    "--shm-size",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-timeout",
    "--health-start-period",
    "--cidfile",
    "-a",
    "--attach",
    "--link",
    "--expose",
    "--runtime",
    "--stop-signal",
    "--stop-timeout",
    "--cgroupns",
    "--cgroup-parent",
    "--isolation",
    "--ip",
    "--ip6",
    "--mac-address",
    "--oom-score-adj",
    "--sysctl",
    "--group-add",
    "--detach-keys",
    "--storage-opt",
    "--annotation",
    "--domainname",
    "--pids-limit",
    "--blkio-weight",
    "--device-cgroup-rule",
    "--kernel-memory",
    "--cpu-period",
    "--cpu-quota",
    "--cpuset-mems",
];
const DOCKER_RUN_FLAGS: &[&str] = &[
    "-d",
    "--detach",
    "-i",
    "--interactive",
    "-t",
    "--tty",
    "--rm",
    "--privileged",
    "-P",
    "--publish-all",
    "--init",
    "--read-only",
    "--sig-proxy",
    "--no-healthcheck",
    "--oom-kill-disable",
    "-q",
    "--quiet",
    "--use-api-socket",
];
const DOCKER_RUN_RULES: &[Rule] = &[
    Rule::new(Write, &[Values(&["-v", "--volume"])], "docker run -v")
        .filter(Filter::BindSource)
        .rec(Rec::Yes),
    Rule::new(Write, &[Values(&["--mount"])], "docker run --mount")
        .filter(Filter::MountSource)
        .rec(Rec::Yes),
    Rule::new(
        Read,
        &[Values(&["--env-file", "--label-file"])],
        "docker run --env-file",
    ),
    Rule::new(Write, &[Values(&["--cidfile"])], "docker run --cidfile"),
];

const DOCKER_RUN: Scope = Scope::new(&["run"])
    .values(DOCKER_RUN_VALUES)
    .flags(DOCKER_RUN_FLAGS)
    .permute(Permute::Never)
    .rules(DOCKER_RUN_RULES);
const DOCKER_CREATE: Scope = Scope::new(&["create"])
    .values(DOCKER_RUN_VALUES)
    .flags(DOCKER_RUN_FLAGS)
    .permute(Permute::Never)
    .rules(DOCKER_RUN_RULES);
const DOCKER_EXEC: Scope = Scope::new(&["exec"])
    .values(&[
        "-e",
        "--env",
        "--env-file",
        "-u",
        "--user",
        "-w",
        "--workdir",
        "--detach-keys",
    ])
    .flags(&[
        "-d",
        "--detach",
        "-i",
        "--interactive",
        "-t",
        "--tty",
        "--privileged",
    ])
    .permute(Permute::Never)
    .rules(&[Rule::new(
        Read,
        &[Values(&["--env-file"])],
        "docker exec --env-file",
    )]);
const DOCKER_BUILD: Scope = Scope::new(&["build"])
    .values(&[
        "-f",
        "--file",
        "-t",
        "--tag",
        "--build-arg",
        "--target",
        "--platform",
        "--secret",
        "--ssh",
        "--cache-from",
        "--cache-to",
        "-o",
        "--output",
        "--iidfile",
        "--label",
        "--network",
        "--progress",
        "--add-host",
        "--build-context",
        "--shm-size",
        "-m",
        "--memory",
        "--ulimit",
        "--cgroup-parent",
        "--isolation",
        "--allow",
        "--metadata-file",
        "--builder",
        "--attest",
        "--provenance",
        "--sbom",
        "--annotation",
    ])
    .flags(&[
        "--no-cache",
        "--pull",
        "-q",
        "--quiet",
        "--rm",
        "--force-rm",
        "--squash",
        "--load",
        "--push",
    ])
    .rules(&[
        Rule::new(Read, FIRST, "docker build context")
            .filter(Filter::NotUrl)
            .rec(Rec::Yes),
        Rule::new(Fetch, FIRST, "docker build context").filter(Filter::Url),
        Rule::new(Read, &[Values(&["-f", "--file"])], "docker build -f"),
        Rule::new(Read, &[Values(&["--secret"])], "docker build --secret")
            .filter(Filter::MountSource),
        Rule::new(
            Write,
            &[Values(&["--iidfile", "--metadata-file"])],
            "docker build --iidfile",
        ),
    ]);
const DOCKER_CP: Scope = Scope::new(&["cp"])
    .flags(&["-a", "--archive", "-L", "--follow-link", "-q", "--quiet"])
    .rules(&[
        Rule::new(Read, BUT_LAST, "docker cp source")
            .filter(Filter::Local)
            .when(MinOperands(2))
            .rec(Rec::Yes),
        Rule::new(Write, LAST, "docker cp destination")
            .filter(Filter::Local)
            .when(MinOperands(2))
            .rec(Rec::Yes),
    ]);
const DOCKER_PUSH: Scope = Scope::new(&["push"])
    .values(&["--platform"])
    .flags(&[
        "-a",
        "--all-tags",
        "-q",
        "--quiet",
        "--disable-content-trust",
    ])
    .rules(&[Rule::new(Send, FIRST, "docker push image")]);
const DOCKER_PULL: Scope = Scope::new(&["pull"])
    .values(&["--platform"])
    .flags(&[
        "-a",
        "--all-tags",
        "-q",
        "--quiet",
        "--disable-content-trust",
    ])
    .rules(&[Rule::new(Fetch, FIRST, "docker pull image")]);
const DOCKER_RM: Scope =
    Scope::new(&["rm"]).flags(&["-f", "--force", "-v", "--volumes", "-l", "--link"]);
const DOCKER_PRUNE: Scope = Scope::new(&["prune"]).values(&["--filter"]).flags(&[
    "-a",
    "--all",
    "-f",
    "--force",
    "--volumes",
]);
const DOCKER_SAVE: Scope = Scope::new(&["save"])
    .values(&["-o", "--output", "--platform"])
    .rules(&[Rule::new(
        Write,
        &[Values(&["-o", "--output"])],
        "docker save -o",
    )]);
const DOCKER_LOAD: Scope = Scope::new(&["load"])
    .values(&["-i", "--input", "--platform"])
    .flags(&["-q", "--quiet"])
    .rules(&[Rule::new(
        Read,
        &[Values(&["-i", "--input"])],
        "docker load -i",
    )]);

const DOCKER: ProgramSpec = ProgramSpec::new(
    &["docker", "podman", "nerdctl"],
    Scope::new(&[])
        .values(&[
            "-H",
            "--host",
            "--config",
            "-c",
            "--context",
            "-l",
            "--log-level",
            "--tlscacert",
            "--tlscert",
            "--tlskey",
            "--connection",
            "--url",
            "--identity",
            "--root",
            "--runroot",
            "--storage-driver",
            "--namespace",
            "--address",
        ])
        .flags(&[
            "-D",
            "--debug",
            "--tls",
            "--tlsverify",
            "-v",
            "--version",
            "-r",
            "--remote",
        ])
        .implicit(1)
        .rules(&[
            Rule::new(Connect, &[Values(&["-H", "--host", "--url"])], "docker -H"),
            Rule::new(
                Read,
                &[Values(&[
                    "--tlscacert",
                    "--tlscert",
                    "--tlskey",
                    "--identity",
                ])],
                "docker TLS file",
            ),
        ])
        .subs(&[
            DOCKER_RUN,
            DOCKER_CREATE,
            DOCKER_EXEC,
            DOCKER_BUILD,
            DOCKER_CP,
            DOCKER_PUSH,
            DOCKER_PULL,
            DOCKER_RM,
            DOCKER_SAVE,
            DOCKER_LOAD,
            Scope::new(&["rmi"]).flags(&["-f", "--force", "--no-prune"]),
            Scope::new(&["kill"]).values(&["-s", "--signal"]),
            Scope::new(&["stop"]).values(&["-t", "--time", "-s", "--signal"]),
            Scope::new(&["start"]).flags(&["-a", "--attach", "-i", "--interactive"]),
            Scope::new(&["restart"]).values(&["-t", "--time", "-s", "--signal"]),
            Scope::new(&["logs"])
                .values(&["--since", "--until", "-n", "--tail"])
                .flags(&["-f", "--follow", "-t", "--timestamps", "--details"]),
            Scope::new(&["login"])
                .values(&["-u", "--username", "-p", "--password"])
                .flags(&["--password-stdin"])
                .rules(&[Rule::new(Send, FIRST, "docker login server")]),
            Scope::new(&["logout"]),
            Scope::new(&["import"])
                .values(&["-c", "--change", "-m", "--message", "--platform"])
                .rules(&[
                    Rule::new(Read, FIRST, "docker import file").filter(Filter::NotUrl),
                    Rule::new(Fetch, FIRST, "docker import URL").filter(Filter::Url),
                ]),
            Scope::new(&["export"])
                .values(&["-o", "--output"])
                .rules(&[Rule::new(
                    Write,
                    &[Values(&["-o", "--output"])],
                    "docker export -o",
                )]),
            Scope::new(&["compose"])
                .values(&[
                    "-f",
                    "--file",
                    "-p",
                    "--project-name",
                    "--project-directory",
                    "--env-file",
                    "--profile",
                    "--ansi",
                    "--parallel",
                    "--progress",
                ])
                .implicit(1)
                .rules(&[Rule::new(
                    Read,
                    &[Values(&["-f", "--file", "--env-file"])],
                    "docker compose -f",
                )])
                .subs(&[
                    Scope::new(&["up"])
                        .values(&["--scale", "-t", "--timeout", "--exit-code-from", "--pull"])
                        .flags(&[
                            "-d",
                            "--detach",
                            "--build",
                            "--no-build",
                            "--force-recreate",
                            "--remove-orphans",
                            "-V",
                            "--renew-anon-volumes",
                            "--wait",
                        ]),
                    Scope::new(&["down"])
                        .values(&["--rmi", "-t", "--timeout"])
                        .flags(&["-v", "--volumes", "--remove-orphans"]),
                    Scope::new(&["run"])
                        .values(DOCKER_RUN_VALUES)
                        .flags(DOCKER_RUN_FLAGS)
                        .permute(Permute::Never),
                    Scope::new(&["exec"])
                        .values(&["-e", "--env", "-u", "--user", "-w", "--workdir", "--index"])
                        .flags(&["-d", "--detach", "-T", "--no-TTY", "--privileged"])
                        .permute(Permute::Never),
                ]),
            Scope::new(&["container"]).implicit(1).subs(&[
                Scope {
                    names: &["run"],
                    ..DOCKER_RUN
                },
                Scope {
                    names: &["create"],
                    ..DOCKER_CREATE
                },
                Scope {
                    names: &["exec"],
                    ..DOCKER_EXEC
                },
                Scope {
                    names: &["cp"],
                    ..DOCKER_CP
                },
                Scope {
                    names: &["rm"],
                    ..DOCKER_RM
                },
                Scope {
                    names: &["prune"],
                    ..DOCKER_PRUNE
                },
                Scope {
                    names: &["export"],
                    ..DOCKER_SAVE
                },
            ]),
            Scope::new(&["image"]).implicit(1).subs(&[
                DOCKER_BUILD,
                DOCKER_PUSH,
                DOCKER_PULL,
                Scope {
                    names: &["rm"],
                    ..DOCKER_RM
                },
                DOCKER_PRUNE,
                DOCKER_SAVE,
                DOCKER_LOAD,
            ]),
            Scope::new(&["buildx"]).implicit(1).subs(&[DOCKER_BUILD]),
            Scope::new(&["volume"])
                .implicit(1)
                .subs(&[Scope::new(&["rm"]).flags(&["-f", "--force"]), DOCKER_PRUNE]),
            Scope::new(&["system"]).implicit(1).subs(&[DOCKER_PRUNE]),
            Scope::new(&["network"])
                .implicit(1)
                .subs(&[Scope::new(&["rm"]).flags(&["-f", "--force"]), DOCKER_PRUNE]),
            Scope::new(&["builder"]).implicit(1).subs(&[DOCKER_PRUNE]),
        ]),
);

// ---------------------------------------------------------------- kubernetes

const KUBE_FILE_VALUES: &[&str] = &[
    "-f",
    "--filename",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-k",
    "--kustomize",
    "--field-selector",
    "--grace-period",
    "--timeout",
    "--field-manager",
    "--template",
    "--sort-by",
    "-c",
    "--container",
    "--for",
    "--patch",
    "-p",
    "--type",
    "--patch-file",
    "--replicas",
    "--current-replicas",
    "--resource-version",
    "--overwrite",
    "-L",
    "--label-columns",
    "--chunk-size",
    "--subresource",
    "--server-side",
    "--prune-allowlist",
];
const KUBE_FILE_FLAGS: &[&str] = &[
    "--all",
    "-A",
    "--all-namespaces",
    "--force",
    "--now",
    "-w",
    "--watch",
    "-R",
    "--recursive",
    "--wait",
    "--ignore-not-found",
    "--prune",
    "--show-labels",
    "--no-headers",
    "--force-conflicts",
    "--record",
    "--local",
];
const KUBE_FILE_RULES: &[Rule] = &[
    Rule::new(
        Read,
        &[Values(&[
            "-f",
            "--filename",
            "-k",
            "--kustomize",
            "--patch-file",
        ])],
        "kubectl -f",
    )
    .filter(Filter::NotUrl)
    .rec(Rec::If(&["-R", "--recursive"])),
    Rule::new(
        Fetch,
        &[Values(&["-f", "--filename", "-k", "--kustomize"])],
        "kubectl -f URL",
    )
    .filter(Filter::Url),
];

const fn kube_resource(names: &'static [&'static str]) -> Scope {
    Scope::new(names)
        .values(KUBE_FILE_VALUES)
        .optional(&["--cascade", "--dry-run", "--validate"])
        .flags(KUBE_FILE_FLAGS)
        .rules(KUBE_FILE_RULES)
}

const KUBECTL: ProgramSpec = ProgramSpec::new(
    &["kubectl", "oc", "k3s-kubectl"],
    Scope::new(&[])
        .values(&[
            "-n",
            "--namespace",
            "--context",
            "--kubeconfig",
            "--cluster",
            "--user",
            "-s",
            "--server",
            "--token",
            "--as",
            "--as-group",
            "--as-uid",
            "--certificate-authority",
            "--client-certificate",
            "--client-key",
            "--request-timeout",
            "--cache-dir",
            "-v",
            "--v",
            "--username",
            "--password",
            "--tls-server-name",
            "--profile",
            "--profile-output",
            "--log-file",
            "--vmodule",
        ])
        .flags(&[
            "--insecure-skip-tls-verify",
            "--warnings-as-errors",
            "--match-server-version",
            "--disable-compression",
        ])
        .implicit(1)
        .rules(&[
            Rule::new(
                Read,
                &[Values(&[
                    "--kubeconfig",
                    "--certificate-authority",
                    "--client-certificate",
                    "--client-key",
                ])],
                "kubectl --kubeconfig",
            ),
            Rule::new(Connect, &[Values(&["-s", "--server"])], "kubectl --server"),
        ])
        .subs(&[
            kube_resource(&["apply"]),
            kube_resource(&["create"]),
            kube_resource(&["replace"]),
            kube_resource(&["delete"]),
            kube_resource(&["patch"]),
            kube_resource(&["edit"]),
            kube_resource(&["get"]),
            kube_resource(&["describe"]),
            kube_resource(&["diff"]),
            kube_resource(&["wait"]),
            kube_resource(&["label"]),
            kube_resource(&["annotate"]),
            kube_resource(&["scale"]),
            kube_resource(&["expose"]),
            kube_resource(&["set"]),
            kube_resource(&["drain"]),
            kube_resource(&["cordon"]),
            kube_resource(&["uncordon"]),
            kube_resource(&["taint"]),
            Scope::new(&["rollout"]).implicit(1).subs(&[
                kube_resource(&["restart"]),
                kube_resource(&["undo"]),
                kube_resource(&["status"]),
                kube_resource(&["history"]),
                kube_resource(&["pause"]),
                kube_resource(&["resume"]),
            ]),
            Scope::new(&["exec"])
                .values(&[
                    "-c",
                    "--container",
                    "-f",
                    "--filename",
                    "--pod-running-timeout",
                ])
                .flags(&["-i", "--stdin", "-t", "--tty", "-q", "--quiet"]),
            Scope::new(&["logs"])
                .values(&[
                    "-c",
                    "--container",
                    "--since",
                    "--since-time",
                    "--tail",
                    "-l",
                    "--selector",
                    "--limit-bytes",
                    "--max-log-requests",
                    "--pod-running-timeout",
                ])
                .flags(&[
                    "-f",
                    "--follow",
                    "-p",
                    "--previous",
                    "--timestamps",
                    "--all-containers",
                    "--prefix",
                    "--ignore-errors",
                ]),
            Scope::new(&["cp"])
                .values(&["-c", "--container", "--retries"])
                .flags(&["--no-preserve"])
                .rules(&[
                    Rule::new(Read, BUT_LAST, "kubectl cp source")
                        .filter(Filter::Local)
                        .when(MinOperands(2))
                        .rec(Rec::Yes),
                    Rule::new(Write, LAST, "kubectl cp destination")
                        .filter(Filter::Local)
                        .when(MinOperands(2))
                        .rec(Rec::Yes),
                ]),
            Scope::new(&["run"])
                .values(&[
                    "--image",
                    "--env",
                    "--port",
                    "--labels",
                    "-l",
                    "--overrides",
                    "--restart",
                    "--image-pull-policy",
                    "--serviceaccount",
                    "--annotations",
                    "--command",
                ])
                .optional(&["--dry-run"])
                .flags(&[
                    "-i",
                    "--stdin",
                    "-t",
                    "--tty",
                    "--rm",
                    "--attach",
                    "--privileged",
                    "-q",
                    "--quiet",
                ]),
            Scope::new(&["port-forward"]).values(&["--address", "--pod-running-timeout"]),
            Scope::new(&["proxy"]).values(&[
                "-p",
                "--port",
                "--address",
                "--accept-hosts",
                "-u",
                "--unix-socket",
                "-w",
                "--www",
            ]),
            Scope::new(&["config"]).implicit(1),
            Scope::new(&["auth"]).implicit(1),
            kube_resource(&["debug"]),
        ]),
)
.inherit();

const HELM_INSTALL_VALUES: &[&str] = &[
    "-f",
    "--values",
    "--set",
    "--set-string",
    "--set-file",
    "--set-json",
    "--set-literal",
    "--version",
    "--repo",
    "--timeout",
    "--post-renderer",
    "--post-renderer-args",
    "--description",
    "-o",
    "--output",
    "--username",
    "--password",
    "--cert-file",
    "--key-file",
    "--ca-file",
    "--name-template",
    "--labels",
    "--history-max",
    "--hide-notes",
];
const HELM_INSTALL_FLAGS: &[&str] = &[
    "--wait",
    "--atomic",
    "--create-namespace",
    "--generate-name",
    "-g",
    "--devel",
    "--force",
    "--install",
    "-i",
    "--reuse-values",
    "--reset-values",
    "--reset-then-reuse-values",
    "--skip-crds",
    "--no-hooks",
    "--insecure-skip-tls-verify",
    "--dependency-update",
    "--replace",
    "--render-subchart-notes",
    "--disable-openapi-validation",
    "--cleanup-on-fail",
    "--plain-http",
    "--pass-credentials",
    "--verify",
    "--take-ownership",
    "--wait-for-jobs",
    "--enable-dns",
    "--include-crds",
    "--skip-tests",
];
const HELM_INSTALL_RULES: &[Rule] = &[
    Rule::new(Read, &[Values(&["-f", "--values"])], "helm -f").filter(Filter::NotUrl),
    Rule::new(Fetch, &[Values(&["-f", "--values"])], "helm -f URL").filter(Filter::Url),
    Rule::new(Read, &[Values(&["--set-file"])], "helm --set-file").filter(Filter::AfterEquals),
    Rule::new(
        Code,
        &[Values(&["--post-renderer"])],
        "helm --post-renderer",
    ),
    Rule::new(Fetch, &[Values(&["--repo"])], "helm --repo"),
    Rule::new(Fetch, ALL, "helm chart URL").filter(Filter::Url),
    Rule::new(
        Read,
        &[Values(&["--cert-file", "--key-file", "--ca-file"])],
        "helm TLS file",
    ),
];
const fn helm_install(names: &'static [&'static str]) -> Scope {
    Scope::new(names)
        .values(HELM_INSTALL_VALUES)
        .optional(&["--dry-run"])
        .flags(HELM_INSTALL_FLAGS)
        .rules(HELM_INSTALL_RULES)
}

const HELM: ProgramSpec = ProgramSpec::new(
    &["helm"],
    Scope::new(&[])
        .values(&[
            "-n",
            "--namespace",
            "--kube-context",
            "--kubeconfig",
            "--kube-apiserver",
            "--kube-token",
            "--kube-as-user",
            "--kube-as-group",
            "--kube-ca-file",
            "--kube-tls-server-name",
            "--registry-config",
            "--repository-config",
            "--repository-cache",
            "--burst-limit",
            "--qps",
        ])
        .flags(&["--debug", "--kube-insecure-skip-tls-verify"])
        .implicit(1)
        .rules(&[
            Rule::new(
                Read,
                &[Values(&["--kubeconfig", "--kube-ca-file"])],
                "helm --kubeconfig",
            ),
            Rule::new(
                Connect,
                &[Values(&["--kube-apiserver"])],
                "helm --kube-apiserver",
            ),
        ])
        .subs(&[
            helm_install(&["install"]),
            helm_install(&["upgrade"]),
            helm_install(&["template"]),
            Scope::new(&["uninstall", "delete", "del", "un"])
                .values(&["--timeout", "--description"])
                .optional(&["--cascade"])
                .flags(&[
                    "--dry-run",
                    "--keep-history",
                    "--no-hooks",
                    "--wait",
                    "--ignore-not-found",
                ]),
            Scope::new(&["rollback"])
                .values(&["--timeout", "--history-max"])
                .flags(&[
                    "--dry-run",
                    "--force",
                    "--no-hooks",
                    "--wait",
                    "--recreate-pods",
                    "--cleanup-on-fail",
                ]),
            Scope::new(&["repo"]).implicit(1).subs(&[
                Scope::new(&["add"])
                    .values(&[
                        "--username",
                        "--password",
                        "--cert-file",
                        "--key-file",
                        "--ca-file",
                    ])
                    .flags(&[
                        "--force-update",
                        "--pass-credentials",
                        "--insecure-skip-tls-verify",
                        "--password-stdin",
                        "--no-update",
                    ])
                    .rules(&[Rule::new(Fetch, SECOND, "helm repo add URL")]),
                Scope::new(&["remove", "rm"]),
                Scope::new(&["update", "up"]),
                Scope::new(&["list", "ls"]),
            ]),
            Scope::new(&["pull", "fetch"])
                .values(&[
                    "--version",
                    "--repo",
                    "-d",
                    "--destination",
                    "--untardir",
                    "--username",
                    "--password",
                    "--cert-file",
                    "--key-file",
                    "--ca-file",
                ])
                .flags(&[
                    "--untar",
                    "--devel",
                    "--verify",
                    "--plain-http",
                    "--insecure-skip-tls-verify",
                    "--pass-credentials",
                ])
                .rules(&[
                    Rule::new(Fetch, ALL, "helm pull chart").filter(Filter::Url),
                    Rule::new(Fetch, &[Values(&["--repo"])], "helm pull --repo"),
                    Rule::new(Write, &[Values(&["-d", "--destination"])], "helm pull -d")
                        .rec(Rec::Yes),
                ]),
            Scope::new(&["push"])
                .values(&[
                    "--cert-file",
                    "--key-file",
                    "--ca-file",
                    "--username",
                    "--password",
                ])
                .flags(&["--plain-http", "--insecure-skip-tls-verify"])
                .rules(&[
                    Rule::new(Read, FIRST, "helm push chart"),
                    Rule::new(Send, SECOND, "helm push registry"),
                ]),
            Scope::new(&["plugin"])
                .implicit(1)
                .subs(&[Scope::new(&["install", "add"])
                    .values(&["--version"])
                    .rules(&[
                        Rule::new(Fetch, FIRST, "helm plugin install URL").filter(Filter::Url),
                        Rule::new(Read, FIRST, "helm plugin install path")
                            .filter(Filter::NotUrl)
                            .rec(Rec::Yes),
                    ])]),
            Scope::new(&["registry"])
                .implicit(1)
                .subs(&[Scope::new(&["login"])
                    .values(&[
                        "-u",
                        "--username",
                        "-p",
                        "--password",
                        "--cert-file",
                        "--key-file",
                        "--ca-file",
                    ])
                    .flags(&["--password-stdin", "--insecure"])
                    .rules(&[Rule::new(Send, FIRST, "helm registry login")])]),
            Scope::new(&["package"])
                .values(&[
                    "-d",
                    "--destination",
                    "--version",
                    "--app-version",
                    "--key",
                    "--keyring",
                    "--passphrase-file",
                ])
                .flags(&["-u", "--dependency-update", "--sign"])
                .rules(&[
                    Rule::new(Read, ALL, "helm package chart").rec(Rec::Yes),
                    Rule::new(
                        Write,
                        &[Values(&["-d", "--destination"])],
                        "helm package -d",
                    ),
                ]),
        ]),
)
.inherit();

// ---------------------------------------------------------------- terraform

const TF_VAR_VALUES: &[&str] = &[
    "-var",
    "-var-file",
    "-target",
    "-replace",
    "-lock-timeout",
    "-parallelism",
    "-state",
    "-state-out",
    "-backup",
    "-out",
    "-generate-config-out",
    "-config",
    "-exclude",
];
const TF_FLAGS: &[&str] = &[
    "-auto-approve",
    "-destroy",
    "-refresh-only",
    "-detailed-exitcode",
    "-compact-warnings",
    "-json",
    "-no-color",
    "-input",
    "-lock",
    "-refresh",
    "-upgrade",
    "-reconfigure",
    "-migrate-state",
    "-force-copy",
    "-backend",
    "-get",
    "-force",
    "-recursive",
    "-check",
    "-diff",
    "-write",
    "-list",
    "-raw",
    "-dry-run",
    "-allow-missing",
    "-ignore-remote-version",
];
const TF_RULES: &[Rule] = &[
    Rule::new(
        Read,
        &[Values(&["-var-file", "-state", "-config"])],
        "terraform -var-file",
    ),
    Rule::new(
        Write,
        &[Values(&[
            "-out",
            "-state-out",
            "-backup",
            "-generate-config-out",
        ])],
        "terraform -out",
    ),
];
const fn tf(names: &'static [&'static str]) -> Scope {
    Scope::new(names)
        .values(TF_VAR_VALUES)
        .flags(TF_FLAGS)
        .rules(TF_RULES)
}

const TERRAFORM: ProgramSpec = ProgramSpec::new(
    &["terraform", "tofu", "terragrunt"],
    Scope::new(&[])
        .values(&["-chdir"])
        .flags(&["-help", "-version", "-v", "-h"])
        .implicit(1)
        .subs(&[
            Scope::new(&["init"])
                .values(&[
                    "-backend-config",
                    "-from-module",
                    "-plugin-dir",
                    "-lock-timeout",
                    "-var",
                    "-var-file",
                    "-test-directory",
                ])
                .flags(TF_FLAGS)
                .rules(&[
                    Rule::new(
                        Fetch,
                        &[Values(&["-from-module"])],
                        "terraform init -from-module",
                    ),
                    Rule::new(Read, &[Values(&["-var-file"])], "terraform -var-file"),
                ]),
            tf(&["plan"]),
            Scope {
                rules: &[
                    Rule::new(
                        Read,
                        &[Values(&["-var-file", "-state"])],
                        "terraform -var-file",
                    ),
                    Rule::new(
                        Write,
                        &[Values(&["-state-out", "-backup"])],
                        "terraform -state-out",
                    ),
                    Rule::new(Read, FIRST, "terraform apply plan file"),
                ],
                ..tf(&["apply"])
            },
            tf(&["destroy"]),
            tf(&["import"]),
            tf(&["refresh"]),
            tf(&["taint"]),
            tf(&["untaint"]),
            tf(&["output"]),
            tf(&["fmt"]),
            tf(&["validate"]),
            tf(&["force-unlock"]),
            tf(&["console"]),
            tf(&["show"]),
            tf(&["test"]),
            Scope::new(&["state"]).implicit(1).subs(&[
                tf(&["rm"]),
                tf(&["mv"]),
                Scope {
                    rules: &[Rule::new(Read, FIRST, "terraform state push")],
                    ..tf(&["push"])
                },
                tf(&["pull"]),
                tf(&["list"]),
                tf(&["show"]),
                tf(&["replace-provider"]),
            ]),
            Scope::new(&["workspace"]).implicit(1).subs(&[
                tf(&["new"]),
                tf(&["delete"]),
                tf(&["select"]),
                tf(&["list"]),
                tf(&["show"]),
            ]),
        ]),
)
.syntax(Syntax::GoFlag)
.permute(Permute::Never);

// ---------------------------------------------------------------- cloud CLIs

/// Rules for `cp`/`mv`/`sync` between local paths and bucket URLs
/// (`aws s3`, `gcloud storage`): local sources read, bucket sources fetched,
/// a local destination written, a bucket destination sent to.
macro_rules! bucket_copy_rules {
    ($via:literal, $rec:expr) => {
        [
            Rule::new(Read, BUT_LAST, concat!($via, " source"))
                .filter(Filter::Local)
                .when(MinOperands(2))
                .rec($rec),
            Rule::new(Fetch, BUT_LAST, concat!($via, " source"))
                .filter(Filter::Url)
                .when(MinOperands(2))
                .rec($rec),
            Rule::new(Write, LAST, concat!($via, " destination"))
                .filter(Filter::Local)
                .when(MinOperands(2))
                .rec($rec),
            Rule::new(Send, LAST, concat!($via, " destination"))
                .filter(Filter::Url)
                .when(MinOperands(2))
                .rec($rec),
        ]
    };
}

const AWS_REC: Rec = Rec::If(&["--recursive"]);
const AWS_CP: [Rule; 4] = bucket_copy_rules!("aws s3 cp", AWS_REC);
const AWS_MV: [Rule; 4] = bucket_copy_rules!("aws s3 mv", AWS_REC);
const AWS_SYNC: [Rule; 4] = bucket_copy_rules!("aws s3 sync", Rec::Yes);

const AWS_S3_VALUES: &[&str] = &[
    "--include",
    "--exclude",
    "--acl",
    "--storage-class",
    "--sse",
    "--sse-kms-key-id",
    "--sse-c",
    "--sse-c-key",
    "--sse-c-copy-source",
    "--sse-c-copy-source-key",
    "--cache-control",
    "--content-type",
    "--content-disposition",
    "--content-encoding",
    "--content-language",
    "--expires",
    "--grants",
    "--metadata",
    "--metadata-directive",
    "--expected-size",
    "--page-size",
    "--website-redirect",
    "--source-region",
    "--request-payer",
    "--checksum-algorithm",
    "--checksum-mode",
    "--copy-props",
    "--expires-in",
    "--index-document",
    "--error-document",
    "--tags",
];
const AWS_S3_FLAGS: &[&str] = &[
    "--recursive",
    "--force",
    "--dryrun",
    "--quiet",
    "--only-show-errors",
    "--no-progress",
    "--delete",
    "--exact-timestamps",
    "--size-only",
    "--follow-symlinks",
    "--no-follow-symlinks",
    "--no-guess-mime-type",
    "--human-readable",
    "--summarize",
    "--ignore-glacier-warnings",
    "--force-glacier-transfer",
    "--no-overwrite",
];
const fn aws_s3(names: &'static [&'static str], rules: &'static [Rule]) -> Scope {
    Scope::new(names)
        .values(AWS_S3_VALUES)
        .flags(AWS_S3_FLAGS)
        .rules(rules)
}

const AWS: ProgramSpec = ProgramSpec::new(
    &["aws"],
    Scope::new(&[])
        .values(&[
            "--region",
            "--profile",
            "--output",
            "--endpoint-url",
            "--query",
            "--cli-input-json",
            "--cli-input-yaml",
            "--color",
            "--ca-bundle",
            "--cli-read-timeout",
            "--cli-connect-timeout",
            "--cli-binary-format",
        ])
        .flags(&[
            "--debug",
            "--no-verify-ssl",
            "--no-paginate",
            "--no-sign-request",
            "--no-cli-pager",
            "--cli-auto-prompt",
            "--no-cli-auto-prompt",
            "--dry-run",
            "--no-dry-run",
            "--version",
        ])
        .implicit(2)
        .guess()
        .rules(&[
            Rule::new(
                Connect,
                &[Values(&["--endpoint-url"])],
                "aws --endpoint-url",
            ),
            Rule::new(Read, &[Values(&["--ca-bundle"])], "aws --ca-bundle"),
        ])
        .subs(&[
            Scope::new(&["s3"]).implicit(1).subs(&[
                aws_s3(&["cp"], &[AWS_CP[0], AWS_CP[1], AWS_CP[2], AWS_CP[3]]),
                aws_s3(
                    &["mv"],
                    &[
                        AWS_MV[0],
                        AWS_MV[1],
                        AWS_MV[2],
                        AWS_MV[3],
                        Rule::new(Delete, BUT_LAST, "aws s3 mv source")
                            .when(MinOperands(2))
                            .rec(AWS_REC),
                    ],
                ),
                aws_s3(
                    &["sync"],
                    &[
                        AWS_SYNC[0],
                        AWS_SYNC[1],
                        AWS_SYNC[2],
                        AWS_SYNC[3],
                        Rule::new(Delete, LAST, "aws s3 sync --delete")
                            .when(Cond::All(&[MinOperands(2), Flag(&["--delete"])]))
                            .rec(Rec::Yes),
                    ],
                ),
                aws_s3(&["rm"], &[Rule::new(Delete, ALL, "aws s3 rm").rec(AWS_REC)]),
                aws_s3(
                    &["rb"],
                    &[Rule::new(Delete, ALL, "aws s3 rb").rec(Rec::If(&["--force"]))],
                ),
                aws_s3(&["mb"], &[Rule::new(Write, ALL, "aws s3 mb")]),
                aws_s3(&["ls"], &[]),
                aws_s3(&["presign"], &[]),
                aws_s3(&["website"], &[]),
            ]),
            Scope::new(&["s3api"]).implicit(1).guess().subs(&[
                Scope::new(&["put-object"])
                    .values(&["--body", "--bucket", "--key"])
                    .guess()
                    .rules(&[Rule::new(
                        Read,
                        &[Values(&["--body"])],
                        "aws s3api put-object --body",
                    )]),
                Scope::new(&["get-object"]).guess().rules(&[Rule::new(
                    Write,
                    LAST,
                    "aws s3api get-object outfile",
                )]),
            ]),
        ]),
)
.inherit();

const GCLOUD_FLAGS: &[&str] = &[
    "--quiet",
    "-q",
    "--async",
    "--no-async",
    "--recursive",
    "-r",
    "-R",
    "--all",
    "--force",
    "--no-user-output-enabled",
    "--log-http",
    "--help",
    "-h",
    "--dry-run",
    "--no-clobber",
    "-n",
    "--delete-unmatched-destination-objects",
    "--internal-ip",
    "--tunnel-through-iap",
    "--dry-run",
    "--strict-host-key-checking",
];
const GCLOUD_REC: Rec = Rec::If(&["--recursive", "-r", "-R"]);
const GCS_CP: [Rule; 4] = bucket_copy_rules!("gcloud storage cp", GCLOUD_REC);
const GCS_MV: [Rule; 4] = bucket_copy_rules!("gcloud storage mv", Rec::Yes);
const GCS_RSYNC: [Rule; 4] = bucket_copy_rules!("gcloud storage rsync", Rec::Yes);
const GCE_SCP: [Rule; 4] = remote_copy_rules!("gcloud compute scp", GCLOUD_REC);

const GCLOUD: ProgramSpec = ProgramSpec::new(
    &["gcloud"],
    Scope::new(&[])
        .values(&[
            "--project",
            "--account",
            "--configuration",
            "--format",
            "--verbosity",
            "--impersonate-service-account",
            "--billing-project",
            "--flags-file",
            "--flatten",
            "--trace-token",
            "--access-token-file",
            "--zone",
            "--region",
            "--location",
        ])
        .flags(GCLOUD_FLAGS)
        .implicit(2)
        .guess()
        .rules(&[Rule::new(
            Read,
            &[Values(&["--flags-file", "--access-token-file"])],
            "gcloud --flags-file",
        )])
        .subs(&[
            Scope::new(&["storage"]).implicit(1).guess().subs(&[
                Scope::new(&["cp"])
                    .guess()
                    .rules(&[GCS_CP[0], GCS_CP[1], GCS_CP[2], GCS_CP[3]]),
                Scope::new(&["mv"]).guess().rules(&[
                    GCS_MV[0],
                    GCS_MV[1],
                    GCS_MV[2],
                    GCS_MV[3],
                    Rule::new(Delete, BUT_LAST, "gcloud storage mv source")
                        .when(MinOperands(2))
                        .rec(Rec::Yes),
                ]),
                Scope::new(&["rsync"]).guess().rules(&[
                    GCS_RSYNC[0],
                    GCS_RSYNC[1],
                    GCS_RSYNC[2],
                    GCS_RSYNC[3],
                    Rule::new(
                        Delete,
                        LAST,
                        "gcloud storage rsync --delete-unmatched-destination-objects",
                    )
                    .when(Cond::All(&[
                        MinOperands(2),
                        Flag(&["--delete-unmatched-destination-objects"]),
                    ]))
                    .rec(Rec::Yes),
                ]),
                Scope::new(&["rm"])
                    .guess()
                    .rules(&[Rule::new(Delete, ALL, "gcloud storage rm").rec(GCLOUD_REC)]),
                Scope::new(&["buckets"])
                    .implicit(1)
                    .guess()
                    .subs(&[Scope::new(&["delete"]).guess().rules(&[Rule::new(
                        Delete,
                        ALL,
                        "gcloud storage buckets delete",
                    )
                    .rec(Rec::Yes)])]),
            ]),
            Scope::new(&["compute"]).implicit(2).guess().subs(&[
                Scope::new(&["ssh"])
                    .values(&["--command", "--ssh-key-file", "--ssh-flag"])
                    .guess()
                    .rules(&[
                        Rule::new(Connect, FIRST, "gcloud compute ssh"),
                        Rule::new(
                            Code,
                            &[Values(&["--command"])],
                            "gcloud compute ssh --command",
                        ),
                        Rule::new(
                            Read,
                            &[Values(&["--ssh-key-file"])],
                            "gcloud compute ssh --ssh-key-file",
                        ),
                    ]),
                Scope::new(&["scp"])
                    .guess()
                    .rules(&[GCE_SCP[0], GCE_SCP[1], GCE_SCP[2], GCE_SCP[3]]),
                Scope::new(&["instances"]).implicit(1).guess(),
            ]),
            Scope::new(&["auth"])
                .implicit(1)
                .guess()
                .subs(&[Scope::new(&["activate-service-account"])
                    .values(&["--key-file"])
                    .guess()
                    .rules(&[Rule::new(
                        Read,
                        &[Values(&["--key-file"])],
                        "gcloud auth --key-file",
                    )])]),
            Scope::new(&["iam"]).implicit(3).guess(),
            Scope::new(&["projects"]).implicit(1).guess(),
            Scope::new(&["container"]).implicit(2).guess(),
            Scope::new(&["sql"]).implicit(2).guess(),
            Scope::new(&["secrets"]).implicit(2).guess(),
            Scope::new(&["config"]).implicit(1).guess(),
        ]),
)
.inherit();

const AZ: ProgramSpec = ProgramSpec::new(
    &["az"],
    Scope::new(&[])
        .values(&["--subscription", "-o", "--output", "--query"])
        .flags(&[
            "--debug",
            "--verbose",
            "--only-show-errors",
            "-y",
            "--yes",
            "--no-wait",
            "-h",
            "--help",
            "--overwrite",
            "--recursive",
            "--dryrun",
            "--dry-run",
            "--force",
        ])
        .implicit(2)
        .guess()
        .subs(&[
            Scope::new(&["storage"])
                .implicit(1)
                .guess()
                .subs(&[Scope::new(&["blob"]).implicit(1).guess().subs(&[
                    Scope::new(&["upload"])
                        .values(&["-f", "--file"])
                        .guess()
                        .rules(&[Rule::new(
                            Read,
                            &[Values(&["-f", "--file"])],
                            "az storage blob upload --file",
                        )]),
                    Scope::new(&["download"])
                        .values(&["-f", "--file"])
                        .guess()
                        .rules(&[Rule::new(
                            Write,
                            &[Values(&["-f", "--file"])],
                            "az storage blob download --file",
                        )]),
                    Scope::new(&["upload-batch"])
                        .values(&["-s", "--source", "-d", "--destination"])
                        .guess()
                        .rules(&[Rule::new(
                            Read,
                            &[Values(&["-s", "--source"])],
                            "az storage blob upload-batch --source",
                        )
                        .rec(Rec::Yes)]),
                    Scope::new(&["download-batch"])
                        .values(&["-s", "--source", "-d", "--destination"])
                        .guess()
                        .rules(&[Rule::new(
                            Write,
                            &[Values(&["-d", "--destination"])],
                            "az storage blob download-batch --destination",
                        )
                        .rec(Rec::Yes)]),
                    Scope::new(&["delete"]).guess(),
                    Scope::new(&["delete-batch"]).guess(),
                ])]),
            Scope::new(&["vm"])
                .implicit(1)
                .guess()
                .subs(&[Scope::new(&["run-command"])
                    .implicit(1)
                    .guess()
                    .subs(&[Scope::new(&["invoke"])
                        .values(&["--scripts"])
                        .guess()
                        .rules(&[Rule::new(
                            Code,
                            &[Values(&["--scripts"])],
                            "az vm run-command invoke --scripts",
                        )])])]),
            Scope::new(&["aks"])
                .implicit(1)
                .guess()
                .subs(&[Scope::new(&["get-credentials"])
                    .values(&["-f", "--file"])
                    .guess()
                    .rules(&[Rule::new(
                        Write,
                        &[Values(&["-f", "--file"])],
                        "az aks get-credentials --file",
                    )])]),
            Scope::new(&["login"])
                .values(&["-u", "--username", "-p", "--password", "-t", "--tenant"])
                .guess(),
            Scope::new(&["logout"]).guess(),
            Scope::new(&["keyvault"]).implicit(2).guess(),
            Scope::new(&["group"]).implicit(1).guess(),
            Scope::new(&["account"]).implicit(1).guess(),
        ]),
)
.inherit();

// ---------------------------------------------------------------- databases

const PSQL: ProgramSpec = ProgramSpec::new(
    &["psql"],
    Scope::new(&[])
        .values(&[
            "-c",
            "--command",
            "-d",
            "--dbname",
            "-f",
            "--file",
            "-h",
            "--host",
            "-p",
            "--port",
            "-U",
            "--username",
            "-v",
            "--set",
            "--variable",
            "-o",
            "--output",
            "-L",
            "--log-file",
            "-F",
            "--field-separator",
            "-R",
            "--record-separator",
            "-P",
            "--pset",
            "-T",
            "--table-attr",
        ])
        .flags(&[
            "-a",
            "--echo-all",
            "-b",
            "--echo-errors",
            "-e",
            "--echo-queries",
            "-E",
            "--echo-hidden",
            "-n",
            "--no-readline",
            "-q",
            "--quiet",
            "-s",
            "--single-step",
            "-S",
            "--single-line",
            "-t",
            "--tuples-only",
            "-x",
            "--expanded",
            "-X",
            "--no-psqlrc",
            "-A",
            "--no-align",
            "-H",
            "--html",
            "-l",
            "--list",
            "-w",
            "--no-password",
            "-W",
            "--password",
            "-0",
            "--record-separator-zero",
            "-z",
            "--field-separator-zero",
            "-1",
            "--single-transaction",
            "--csv",
            "-V",
            "--version",
            "-?",
            "--help",
        ])
        .rules(&[
            Rule::new(
                Connect,
                &[Source::HostPort(
                    &Values(&["-h", "--host"]),
                    &Values(&["-p", "--port"]),
                )],
                "psql -h",
            ),
            Rule::new(
                Connect,
                &[Values(&["-d", "--dbname"]), Operands(Index(0))],
                "psql connection URI",
            )
            .filter(Filter::Url),
            Rule::new(Code, &[Values(&["-c", "--command"])], "psql -c"),
            Rule::new(Read, &[Values(&["-f", "--file"])], "psql -f"),
            Rule::new(
                Write,
                &[Values(&["-o", "--output", "-L", "--log-file"])],
                "psql -o",
            ),
        ]),
)
.prefixes();

const MYSQL: ProgramSpec = ProgramSpec::new(
    &["mysql", "mariadb"],
    Scope::new(&[])
        .values(&[
            "-e",
            "--execute",
            "-h",
            "--host",
            "-P",
            "--port",
            "-u",
            "--user",
            "-D",
            "--database",
            "-S",
            "--socket",
            "--defaults-file",
            "--defaults-extra-file",
            "--login-path",
            "--default-character-set",
            "--protocol",
            "--init-command",
            "--ssl-ca",
            "--ssl-cert",
            "--ssl-key",
            "--ssl-mode",
            "--tee",
            "--connect-timeout",
            "--max-allowed-packet",
            "--delimiter",
            "--prompt",
            "--plugin-dir",
            "--default-auth",
        ])
        .optional(&["-p", "--password", "--pager"])
        .flags(&[
            "-B",
            "--batch",
            "-N",
            "--skip-column-names",
            "-s",
            "--silent",
            "-v",
            "--verbose",
            "-t",
            "--table",
            "-E",
            "--vertical",
            "-f",
            "--force",
            "-A",
            "--no-auto-rehash",
            "-q",
            "--quick",
            "-r",
            "--raw",
            "-X",
            "--xml",
            "-H",
            "--html",
            "-C",
            "--compress",
            "--ssl",
            "--skip-ssl",
            "-n",
            "--unbuffered",
            "-V",
            "--version",
            "-?",
            "--help",
            "--no-defaults",
            "--local-infile",
            "--binary-mode",
            "-U",
            "--safe-updates",
        ])
        .rules(&[
            Rule::new(
                Connect,
                &[Source::HostPort(
                    &Values(&["-h", "--host"]),
                    &Values(&["-P", "--port"]),
                )],
                "mysql -h",
            ),
            Rule::new(
                Code,
                &[Values(&["-e", "--execute", "--init-command"])],
                "mysql -e",
            ),
            Rule::new(
                Read,
                &[Values(&[
                    "--defaults-file",
                    "--defaults-extra-file",
                    "--ssl-ca",
                    "--ssl-cert",
                    "--ssl-key",
                ])],
                "mysql file option",
            ),
            Rule::new(Write, &[Values(&["--tee"])], "mysql --tee"),
        ]),
)
.prefixes();

const REDIS_CLI: ProgramSpec = ProgramSpec::new(
    &["redis-cli", "valkey-cli"],
    Scope::new(&[])
        .values(&[
            "-h",
            "-p",
            "-s",
            "-a",
            "-u",
            "-r",
            "-i",
            "-n",
            "-d",
            "-D",
            "-t",
            "--user",
            "--pass",
            "--rdb",
            "--functions-rdb",
            "--eval",
            "--pattern",
            "--count",
            "--quoted-pattern",
            "--intrinsic-latency",
            "--cacert",
            "--cacertdir",
            "--cert",
            "--key",
            "--sni",
            "--lru-test",
            "--memkeys-samples",
            "--pipe-timeout",
            "--tls-ciphers",
            "--tls-ciphersuites",
        ])
        .flags(&[
            "-x",
            "-X",
            "-c",
            "-e",
            "-2",
            "-3",
            "--raw",
            "--no-raw",
            "--csv",
            "--json",
            "--quoted-json",
            "--stat",
            "--scan",
            "--bigkeys",
            "--memkeys",
            "--hotkeys",
            "--latency",
            "--latency-history",
            "--latency-dist",
            "--pipe",
            "--tls",
            "--insecure",
            "--verbose",
            "--no-auth-warning",
            "--askpass",
            "--ldb",
            "--ldb-sync-mode",
            "--replica",
            "--version",
            "--help",
        ])
        .rules(&[
            Rule::new(
                Connect,
                &[Source::HostPort(&Values(&["-h"]), &Values(&["-p"]))],
                "redis-cli -h",
            ),
            Rule::new(Connect, &[Values(&["-u"])], "redis-cli -u"),
            Rule::new(Code, &[Source::Joined(Pick::All)], "redis-cli command"),
            Rule::new(
                Write,
                &[Values(&["--rdb", "--functions-rdb"])],
                "redis-cli --rdb",
            ),
            Rule::new(
                Read,
                &[Values(&["--eval", "--cacert", "--cert", "--key"])],
                "redis-cli --eval",
            ),
        ]),
)
.no_bundling()
.permute(Permute::Never);

// ---------------------------------------------------------------- package managers

const NPM_REGISTRY: &[&str] = &["--registry"];
const NPM_INSTALL_RULES: &[Rule] = &[
    Rule::new(Fetch, ALL, "npm install package"),
    Rule::new(Fetch, &[Values(NPM_REGISTRY)], "npm --registry"),
];

const NPM: ProgramSpec = ProgramSpec::new(
    &["npm", "pnpm", "yarn", "bun"],
    Scope::new(&[])
        .values(&[
            "--registry",
            "--prefix",
            "-C",
            "--dir",
            "--cwd",
            "--userconfig",
            "--globalconfig",
            "--cache",
            "--workspace",
            "-w",
            "--filter",
            "-F",
            "--loglevel",
            "--tag",
            "--otp",
            "--scope",
            "--access",
            "--package",
            "-p",
            "--omit",
            "--include",
            "--install-strategy",
            "--script-shell",
            "--node-options",
            "--before",
            "--cpu",
            "--os",
        ])
        .flags(&[
            "-g",
            "--global",
            "-D",
            "--save-dev",
            "-S",
            "--save",
            "-E",
            "--save-exact",
            "-O",
            "--save-optional",
            "-P",
            "--save-prod",
            "--no-save",
            "--production",
            "--force",
            "-f",
            "--dry-run",
            "--ignore-scripts",
            "--legacy-peer-deps",
            "--frozen-lockfile",
            "--immutable",
            "-y",
            "--yes",
            "--no",
            "--silent",
            "-s",
            "-q",
            "--quiet",
            "-d",
            "--verbose",
            "--workspaces",
            "-ws",
            "--recursive",
            "-r",
            "--offline",
            "--prefer-offline",
            "--no-audit",
            "--no-fund",
            "--dev",
            "--exact",
            "-W",
            "--ignore-workspace-root-check",
        ])
        .implicit(1)
        .subs(&[
            Scope::new(&[
                "install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta",
                "isntal", "isntall",
            ])
            .rules(NPM_INSTALL_RULES),
            Scope::new(&[
                "ci",
                "clean-install",
                "ic",
                "install-clean",
                "isntall-clean",
            ])
            .rules(&[Rule::new(Fetch, &[Values(NPM_REGISTRY)], "npm --registry")]),
            Scope::new(&["update", "up", "upgrade", "udpate"]).rules(NPM_INSTALL_RULES),
            Scope::new(&["uninstall", "remove", "rm", "r", "un", "unlink"]),
            Scope::new(&["publish"]).rules(&[
                Rule::new(Send, &[Values(NPM_REGISTRY)], "npm publish --registry"),
                Rule::new(Read, ALL, "npm publish folder").rec(Rec::Yes),
            ]),
            Scope::new(&["exec", "x", "dlx"])
                .permute(Permute::Never)
                .rules(&[
                    Rule::new(Fetch, FIRST, "npm exec package").when(NoFlag(&["--package", "-p"])),
                    Rule::new(Fetch, &[Values(&["--package", "-p"])], "npm exec --package"),
                    Rule::new(Fetch, &[Values(NPM_REGISTRY)], "npm --registry"),
                ]),
            Scope::new(&["run", "run-script", "rum", "urn"]),
            Scope::new(&["link", "ln"]),
            Scope::new(&["audit"]).implicit(1),
            Scope::new(&["global"])
                .implicit(1)
                .subs(&[Scope::new(&["add"]).rules(NPM_INSTALL_RULES)]),
        ]),
)
.inherit();

const PIP_INSTALL_VALUES: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--root",
    "--prefix",
    "--src",
    "--upgrade-strategy",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--report",
    "--config-settings",
    "-C",
    "--global-option",
    "--root-user-action",
    "-d",
    "--dest",
    "-w",
    "--wheel-dir",
    "--group",
];
const PIP_INSTALL_FLAGS: &[&str] = &[
    "-U",
    "--upgrade",
    "--user",
    "--force-reinstall",
    "-I",
    "--ignore-installed",
    "--no-deps",
    "--pre",
    "--no-index",
    "--break-system-packages",
    "--dry-run",
    "--no-build-isolation",
    "--require-hashes",
    "--no-compile",
    "--compile",
    "--no-warn-script-location",
    "--prefer-binary",
    "--no-clean",
    "-y",
    "--yes",
];
const PIP_FETCH_RULES: &[Rule] = &[
    Rule::new(Fetch, ALL, "pip install package"),
    Rule::new(
        Read,
        &[Values(&["-r", "--requirement", "-c", "--constraint"])],
        "pip install -r",
    ),
    Rule::new(Read, &[Values(&["-e", "--editable"])], "pip install -e")
        .filter(Filter::NotUrl)
        .rec(Rec::Yes),
    Rule::new(
        Fetch,
        &[Values(&["-e", "--editable"])],
        "pip install -e URL",
    )
    .filter(Filter::Url),
    Rule::new(
        Fetch,
        &[Values(&[
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
        ])],
        "pip --index-url",
    ),
    Rule::new(
        Write,
        &[Values(&[
            "-t",
            "--target",
            "--root",
            "--prefix",
            "-d",
            "--dest",
            "-w",
            "--wheel-dir",
        ])],
        "pip --target",
    )
    .rec(Rec::Yes),
    Rule::new(Write, &[Values(&["--report"])], "pip --report"),
];
const fn pip_fetch(names: &'static [&'static str]) -> Scope {
    Scope::new(names)
        .values(PIP_INSTALL_VALUES)
        .flags(PIP_INSTALL_FLAGS)
        .rules(PIP_FETCH_RULES)
}

const PIP: ProgramSpec = ProgramSpec::new(
    &["pip", "pip3", "uv-pip"],
    Scope::new(&[])
        .values(&[
            "--proxy",
            "--cert",
            "--client-cert",
            "--cache-dir",
            "--log",
            "--python",
            "--retries",
            "--timeout",
            "--exists-action",
            "--trusted-host",
            "--use-feature",
            "--use-deprecated",
            "--keyring-provider",
        ])
        .flags(&[
            "-v",
            "--verbose",
            "-q",
            "--quiet",
            "--isolated",
            "--require-virtualenv",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-color",
            "--no-input",
            "--no-python-version-warning",
            "-V",
            "--version",
            "-h",
            "--help",
        ])
        .implicit(1)
        .rules(&[
            Rule::new(Connect, &[Values(&["--proxy"])], "pip --proxy"),
            Rule::new(Read, &[Values(&["--cert", "--client-cert"])], "pip --cert"),
            Rule::new(Write, &[Values(&["--log"])], "pip --log"),
        ])
        .subs(&[
            pip_fetch(&["install"]),
            pip_fetch(&["download"]),
            pip_fetch(&["wheel"]),
            Scope::new(&["uninstall"])
                .values(&["-r", "--requirement"])
                .flags(&["-y", "--yes", "--break-system-packages"])
                .rules(&[Rule::new(
                    Read,
                    &[Values(&["-r", "--requirement"])],
                    "pip uninstall -r",
                )]),
        ]),
)
.inherit()
.prefixes();

const CARGO_BUILD_VALUES: &[&str] = &[
    "--manifest-path",
    "-p",
    "--package",
    "--target",
    "--target-dir",
    "--features",
    "-F",
    "--profile",
    "-j",
    "--jobs",
    "--bin",
    "--example",
    "--test",
    "--bench",
    "--message-format",
    "--exclude",
    "--lockfile-path",
    "--artifact-dir",
];
const CARGO_BUILD_FLAGS: &[&str] = &[
    "--release",
    "-r",
    "--all-targets",
    "--workspace",
    "--all",
    "--lib",
    "--bins",
    "--examples",
    "--tests",
    "--benches",
    "--all-features",
    "--no-default-features",
    "--keep-going",
    "--no-run",
    "--no-fail-fast",
    "--doc",
    "--future-incompat-report",
    "--timings",
];
const CARGO_BUILD_RULES: &[Rule] = &[Rule::new(
    Read,
    &[Values(&["--manifest-path"])],
    "cargo --manifest-path",
)];
const fn cargo_build(names: &'static [&'static str]) -> Scope {
    Scope::new(names)
        .values(CARGO_BUILD_VALUES)
        .flags(CARGO_BUILD_FLAGS)
        .rules(CARGO_BUILD_RULES)
}

const CARGO: ProgramSpec = ProgramSpec {
    toolchain_arg: true,
    ..ProgramSpec::new(
        &["cargo"],
        Scope::new(&[])
            .values(&["--color", "--config", "-Z", "-C"])
            .flags(&[
                "-v",
                "--verbose",
                "-q",
                "--quiet",
                "--frozen",
                "--locked",
                "--offline",
                "--list",
                "-V",
                "--version",
                "-h",
                "--help",
            ])
            .implicit(1)
            .subs(&[
                Scope::new(&["install"])
                    .values(&[
                        "--version",
                        "--vers",
                        "--git",
                        "--branch",
                        "--tag",
                        "--rev",
                        "--path",
                        "--root",
                        "--index",
                        "--registry",
                        "--target",
                        "--target-dir",
                        "--profile",
                        "-j",
                        "--jobs",
                        "--features",
                        "-F",
                        "--bin",
                        "--example",
                    ])
                    .flags(&[
                        "--force",
                        "-f",
                        "--no-track",
                        "--all-features",
                        "--no-default-features",
                        "--debug",
                        "--list",
                        "--bins",
                        "--examples",
                    ])
                    .rules(&[
                        Rule::new(Fetch, ALL, "cargo install crate"),
                        Rule::new(
                            Fetch,
                            &[Values(&["--git", "--index"])],
                            "cargo install --git",
                        ),
                        Rule::new(Read, &[Values(&["--path"])], "cargo install --path")
                            .rec(Rec::Yes),
                        Rule::new(Write, &[Values(&["--root"])], "cargo install --root")
                            .rec(Rec::Yes),
                    ]),
                Scope::new(&["add"])
                    .values(&[
                        "--git",
                        "--path",
                        "--registry",
                        "--branch",
                        "--tag",
                        "--rev",
                        "--features",
                        "-F",
                        "--rename",
                        "-p",
                        "--package",
                        "--manifest-path",
                        "--target",
                    ])
                    .flags(&[
                        "--dev",
                        "--build",
                        "--optional",
                        "--no-optional",
                        "--no-default-features",
                        "--default-features",
                        "--dry-run",
                    ])
                    .rules(&[
                        Rule::new(Fetch, ALL, "cargo add crate"),
                        Rule::new(Fetch, &[Values(&["--git"])], "cargo add --git"),
                        Rule::new(
                            Read,
                            &[Values(&["--path", "--manifest-path"])],
                            "cargo add --path",
                        ),
                    ]),
                Scope::new(&["publish"])
                    .values(&[
                        "--registry",
                        "--index",
                        "--token",
                        "--manifest-path",
                        "-p",
                        "--package",
                        "--target",
                        "--target-dir",
                        "--features",
                        "-F",
                        "-j",
                    ])
                    .flags(&[
                        "--dry-run",
                        "-n",
                        "--allow-dirty",
                        "--no-verify",
                        "--all-features",
                        "--no-default-features",
                    ])
                    .rules(&[
                        Rule::new(
                            Send,
                            &[Values(&["--index", "--registry"])],
                            "cargo publish --index",
                        ),
                        Rule::new(
                            Read,
                            &[Values(&["--manifest-path"])],
                            "cargo --manifest-path",
                        ),
                    ]),
                Scope::new(&["clean"])
                    .values(&[
                        "--manifest-path",
                        "-p",
                        "--package",
                        "--target",
                        "--target-dir",
                        "--profile",
                    ])
                    .flags(&["--release", "-r", "--doc", "--dry-run", "-n"])
                    .rules(&[
                        Rule::new(Delete, &[Values(&["--target-dir"])], "cargo clean")
                            .rec(Rec::Yes),
                        Rule::new(Delete, &[Literal("target")], "cargo clean")
                            .when(NoFlag(&["--target-dir", "--dry-run", "-n"]))
                            .rec(Rec::Yes),
                    ]),
                cargo_build(&["build", "b"]),
                cargo_build(&["test", "t"]),
                cargo_build(&["run", "r"]),
                cargo_build(&["check", "c"]),
                cargo_build(&["clippy"]),
                cargo_build(&["doc", "d"]),
                cargo_build(&["bench"]),
                Scope::new(&["remove", "rm"])
                    .values(&["-p", "--package", "--manifest-path"])
                    .flags(&["--dev", "--build", "--dry-run"]),
                Scope::new(&["uninstall"]).values(&["--root", "-p", "--package", "--bin"]),
                Scope::new(&["update"])
                    .values(&["-p", "--package", "--precise", "--manifest-path"])
                    .flags(&[
                        "--dry-run",
                        "-w",
                        "--workspace",
                        "--recursive",
                        "--breaking",
                    ]),
            ]),
    )
    .inherit()
};

const NPX: ProgramSpec = ProgramSpec::new(
    &["npx", "pnpx", "bunx"],
    Scope::new(&[])
        .values(&["--registry", "--package", "-p", "-c", "--call", "--prefix"])
        .flags(&[
            "-y",
            "--yes",
            "--no",
            "-q",
            "--quiet",
            "--no-install",
            "--ignore-existing",
        ])
        .rules(&[
            Rule::new(Fetch, FIRST, "npx package").when(NoFlag(&[
                "--package",
                "-p",
                "-c",
                "--call",
            ])),
            Rule::new(Fetch, &[Values(&["--package", "-p"])], "npx --package"),
            Rule::new(Fetch, &[Values(NPM_REGISTRY)], "npm --registry"),
            Rule::new(Code, &[Values(&["-c", "--call"])], "npx -c"),
        ]),
)
.permute(Permute::Never);

// ---------------------------------------------------------------- the table

/// Every row, in no particular order (names are unique across rows).
pub static PROGRAMS: &[ProgramSpec] = PROGRAM_LIST;

const PROGRAM_LIST: &[ProgramSpec] = &[
    RM, RMDIR, CP, MV, LN, CHMOD, CHOWN, DD, SHRED, TRUNCATE, TEE, TOUCH, MKDIR, CAT, HEAD, TAIL,
    LESS, MORE, SED, TAR, UNZIP, ZIP, BASE64, INSTALL, GPG, FIND, XARGS, CURL, WGET, SCP, RSYNC,
    SSH, NC, SOCAT, GIT, DOCKER, KUBECTL, HELM, TERRAFORM, AWS, GCLOUD, AZ, PSQL, MYSQL, REDIS_CLI,
    NPM, NPX, PIP, CARGO,
];

// One bit per program in [`BY_FIRST_BYTE`].
const _: () = assert!(PROGRAM_LIST.len() <= 64);

/// For each byte: the programs (bits by index in [`PROGRAMS`]) with a name
/// starting with it. Built at compile time, so that [`lookup`] compares a
/// name with one or two rows' names instead of every row's.
static BY_FIRST_BYTE: [u64; 256] = by_first_byte();

const fn by_first_byte() -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < PROGRAM_LIST.len() {
        let names = PROGRAM_LIST[i].names;
        let mut j = 0;
        while j < names.len() {
            if let Some(&b) = names[j].as_bytes().first() {
                table[b as usize] |= 1 << i;
            }
            j += 1;
        }
        i += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond_names(c: &Cond, out: &mut Vec<&'static str>) {
        match c {
            Cond::Flag(n) | Cond::NoFlag(n) | Cond::FlagValue(n, _) => out.extend(n.iter()),
            Cond::Not(c) => cond_names(c, out),
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| cond_names(c, out)),
            Cond::Always | Cond::MinOperands(_) | Cond::NoOperands | Cond::Dashdash => {}
        }
    }

    fn source_names(s: &Source, out: &mut Vec<&'static str>) {
        match s {
            Source::Values(n) => out.extend(n.iter()),
            Source::HostPort(a, b) => {
                source_names(a, out);
                source_names(b, out);
            }
            _ => {}
        }
    }

    fn rec_names(r: &Rec) -> &'static [&'static str] {
        match r {
            Rec::If(n) => n,
            Rec::No | Rec::Yes => &[],
        }
    }

    /// Every option a rule mentions is declared in its scope or an enclosing one:
    /// values in `value_opts`/`optional_value_opts`, conditions anywhere.
    fn check(spec: &ProgramSpec, chain: &mut Vec<&'static Scope>, scope: &'static Scope) {
        chain.push(scope);
        let kind = |name: &str| {
            chain
                .iter()
                .rev()
                .map(|s| s.kind(name))
                .find(|k| *k != OptKind::Unknown)
                .unwrap_or(OptKind::Unknown)
        };
        for rule in scope.rules {
            let mut values = Vec::new();
            rule.from.iter().for_each(|s| source_names(s, &mut values));
            for name in values {
                let k = kind(name);
                let find_exec = spec.syntax == Syntax::Find && FIND_EXEC.contains(&name);
                assert!(
                    matches!(k, OptKind::Value | OptKind::Optional) || find_exec,
                    "{:?} {}: value of undeclared option {name}",
                    spec.names,
                    rule.via
                );
            }
            let mut flags = Vec::new();
            cond_names(&rule.when, &mut flags);
            flags.extend(rec_names(&rule.recursive));
            for name in flags {
                assert!(
                    kind(name) != OptKind::Unknown,
                    "{:?} {}: condition on undeclared option {name}",
                    spec.names,
                    rule.via
                );
            }
        }
        for sub in scope.subcommands {
            assert!(
                !sub.names.is_empty(),
                "{:?}: unnamed subcommand",
                spec.names
            );
            check(spec, chain, sub);
        }
        chain.pop();
    }

    #[test]
    fn rules_mention_declared_options() {
        for spec in PROGRAMS {
            check(spec, &mut Vec::new(), &spec.root);
        }
    }

    #[test]
    fn options_are_spelled_for_their_syntax() {
        for spec in PROGRAMS {
            let mut stack = vec![&spec.root];
            while let Some(scope) = stack.pop() {
                for name in scope
                    .value_opts
                    .iter()
                    .chain(scope.optional_value_opts)
                    .chain(scope.flags)
                {
                    assert!(name.starts_with('-'), "{:?}: option {name}", spec.names);
                    assert!(!name.contains('='), "{:?}: option {name}", spec.names);
                    if spec.syntax == Syntax::GoFlag {
                        assert!(!name.starts_with("--"), "{:?}: option {name}", spec.names);
                    }
                }
                stack.extend(scope.subcommands);
            }
        }
    }

    #[test]
    fn lookup_by_name_and_version_suffix() {
        assert!(lookup("rm").is_some_and(|p| p.names.contains(&"rm")));
        assert!(lookup("pip3.12").is_some_and(|p| p.names.contains(&"pip")));
        assert!(lookup("podman").is_some_and(|p| p.names.contains(&"docker")));
        assert!(lookup("ncat").is_some_and(|p| p.names.contains(&"nc")));
        assert!(lookup("frobnicate").is_none());
        assert!(lookup("42").is_none());
    }

    #[test]
    fn covers_the_required_programs() {
        for name in [
            "rm",
            "rmdir",
            "cp",
            "mv",
            "ln",
            "chmod",
            "chown",
            "chgrp",
            "dd",
            "shred",
            "truncate",
            "tee",
            "touch",
            "mkdir",
            "cat",
            "head",
            "tail",
            "less",
            "more",
            "sed",
            "tar",
            "rsync",
            "scp",
            "ssh",
            "curl",
            "wget",
            "nc",
            "ncat",
            "netcat",
            "socat",
            "git",
            "docker",
            "podman",
            "kubectl",
            "helm",
            "terraform",
            "aws",
            "gcloud",
            "az",
            "psql",
            "mysql",
            "redis-cli",
            "npm",
            "pnpm",
            "yarn",
            "pip",
            "pip3",
            "cargo",
            "find",
            "xargs",
            "base64",
            "install",
            "unzip",
            "zip",
            "gpg",
        ] {
            assert!(lookup(name).is_some(), "{name} missing");
        }
    }
}
