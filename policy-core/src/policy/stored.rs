//! The compact stored form of rules for the compiled-policy cache.
//!
//! The YAML types use untagged enums (`OneOrMany`, `Pattern`, `Example`) and
//! `serde_json::Value`, which need a self-describing format and decode slowly
//! (serde buffers every untagged value). These mirrors are plain tagged types
//! encoded with `postcard`. The conversions destructure every field, so adding
//! a field to the policy schema fails to compile here until the cache stores it
//! (then bump [`crate::policy::cache::FORMAT_VERSION`]).

use serde::{Deserialize, Serialize};

use crate::policy::schema::{
    Decision, Example, ExampleCall, Examples, Match, OneOrMany, Pattern, PatternObject, Rule,
};

#[derive(Serialize, Deserialize)]
pub(crate) enum SOneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Serialize, Deserialize)]
pub(crate) enum SPattern {
    Literal(String),
    Object {
        glob: Option<String>,
        regex: Option<String>,
        literal: Option<String>,
    },
}

#[derive(Serialize, Deserialize)]
pub(crate) enum SExample {
    Command(String),
    /// A tool call; `input` is JSON text.
    Call {
        tool: String,
        input: String,
        cwd: Option<String>,
        now: Option<u64>,
    },
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SMatch {
    tool: Option<SOneOrMany>,
    action: Option<SOneOrMany>,
    program: Option<SOneOrMany>,
    subcommand: Option<SOneOrMany>,
    any_flag: Option<Vec<String>>,
    all_flags: Option<Vec<String>>,
    no_flag: Option<Vec<String>>,
    any_arg: Option<Vec<SPattern>>,
    no_arg: Option<Vec<SPattern>>,
    dynamic_arg: Option<bool>,
    path: Option<Vec<String>>,
    outside_roots: Option<bool>,
    path_unknown: Option<bool>,
    recursive: Option<bool>,
    direction: Option<SOneOrMany>,
    via: Option<Vec<String>>,
    host: Option<Vec<String>>,
    code: Option<String>,
    code_unknown: Option<bool>,
    language: Option<SOneOrMany>,
    producer: Option<SOneOrMany>,
    context: Option<SOneOrMany>,
    wrapper: Option<SOneOrMany>,
    subagent: Option<bool>,
    command: Option<SOneOrMany>,
    raw: Option<String>,
    secret: Option<bool>,
    any: Option<Vec<SMatch>>,
    all: Option<Vec<SMatch>>,
    not: Option<Box<SMatch>>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct SRule {
    id: String,
    decision: Option<Decision>,
    tags: Vec<String>,
    message: String,
    hint: Option<String>,
    matcher: Option<SMatch>,
    wasm: Option<String>,
    /// The `config` value as JSON text.
    config: Option<String>,
    must_match: Vec<SExample>,
    no_match: Vec<SExample>,
}

fn one(v: &OneOrMany) -> SOneOrMany {
    match v {
        OneOrMany::One(s) => SOneOrMany::One(s.clone()),
        OneOrMany::Many(v) => SOneOrMany::Many(v.clone()),
    }
}

fn unone(v: SOneOrMany) -> OneOrMany {
    match v {
        SOneOrMany::One(s) => OneOrMany::One(s),
        SOneOrMany::Many(v) => OneOrMany::Many(v),
    }
}

fn pat(p: &Pattern) -> SPattern {
    match p {
        Pattern::Literal(s) => SPattern::Literal(s.clone()),
        Pattern::Object(PatternObject {
            glob,
            regex,
            literal,
        }) => SPattern::Object {
            glob: glob.clone(),
            regex: regex.clone(),
            literal: literal.clone(),
        },
    }
}

fn unpat(p: SPattern) -> Pattern {
    match p {
        SPattern::Literal(s) => Pattern::Literal(s),
        SPattern::Object {
            glob,
            regex,
            literal,
        } => Pattern::Object(PatternObject {
            glob,
            regex,
            literal,
        }),
    }
}

fn unexample(e: SExample) -> Option<Example> {
    Some(match e {
        SExample::Command(c) => Example::Command(c),
        SExample::Call {
            tool,
            input,
            cwd,
            now,
        } => Example::Call(ExampleCall {
            tool,
            input: serde_json::from_str(&input).ok()?,
            cwd,
            now,
        }),
    })
}

impl SMatch {
    fn from_match(m: &Match) -> SMatch {
        let Match {
            tool,
            action,
            program,
            subcommand,
            any_flag,
            all_flags,
            no_flag,
            any_arg,
            no_arg,
            dynamic_arg,
            path,
            outside_roots,
            path_unknown,
            recursive,
            direction,
            via,
            host,
            code,
            code_unknown,
            language,
            producer,
            context,
            wrapper,
            subagent,
            command,
            raw,
            secret,
            any,
            all,
            not,
        } = m;
        let o = |v: &Option<OneOrMany>| v.as_ref().map(one);
        let ps = |v: &Option<Vec<Pattern>>| v.as_ref().map(|v| v.iter().map(pat).collect());
        let ms = |v: &Option<Vec<Match>>| {
            v.as_ref()
                .map(|v| v.iter().map(SMatch::from_match).collect())
        };
        SMatch {
            tool: o(tool),
            action: o(action),
            program: o(program),
            subcommand: o(subcommand),
            any_flag: any_flag.clone(),
            all_flags: all_flags.clone(),
            no_flag: no_flag.clone(),
            any_arg: ps(any_arg),
            no_arg: ps(no_arg),
            dynamic_arg: *dynamic_arg,
            path: path.clone(),
            outside_roots: *outside_roots,
            path_unknown: *path_unknown,
            recursive: *recursive,
            direction: o(direction),
            via: via.clone(),
            host: host.clone(),
            code: code.clone(),
            code_unknown: *code_unknown,
            language: o(language),
            producer: o(producer),
            context: o(context),
            wrapper: o(wrapper),
            subagent: *subagent,
            command: o(command),
            raw: raw.clone(),
            secret: *secret,
            any: ms(any),
            all: ms(all),
            not: not.as_ref().map(|n| Box::new(SMatch::from_match(n))),
        }
    }

    fn into_match(self) -> Match {
        let SMatch {
            tool,
            action,
            program,
            subcommand,
            any_flag,
            all_flags,
            no_flag,
            any_arg,
            no_arg,
            dynamic_arg,
            path,
            outside_roots,
            path_unknown,
            recursive,
            direction,
            via,
            host,
            code,
            code_unknown,
            language,
            producer,
            context,
            wrapper,
            subagent,
            command,
            raw,
            secret,
            any,
            all,
            not,
        } = self;
        let ps = |v: Option<Vec<SPattern>>| v.map(|v| v.into_iter().map(unpat).collect());
        let ms =
            |v: Option<Vec<SMatch>>| v.map(|v| v.into_iter().map(SMatch::into_match).collect());
        Match {
            tool: tool.map(unone),
            action: action.map(unone),
            program: program.map(unone),
            subcommand: subcommand.map(unone),
            any_flag,
            all_flags,
            no_flag,
            any_arg: ps(any_arg),
            no_arg: ps(no_arg),
            dynamic_arg,
            path,
            outside_roots,
            path_unknown,
            recursive,
            direction: direction.map(unone),
            via,
            host,
            code,
            code_unknown,
            language: language.map(unone),
            producer: producer.map(unone),
            context: context.map(unone),
            wrapper: wrapper.map(unone),
            subagent,
            command: command.map(unone),
            raw,
            secret,
            any: ms(any),
            all: ms(all),
            not: not.map(|n| Box::new(n.into_match())),
        }
    }
}

impl SRule {
    /// The stored form of `r`, without its examples: they are checked from
    /// the sources (`policy-cli test`, `check`), never by evaluation, and
    /// decoding thousands of them would be most of a cache hit.
    pub(crate) fn from_rule(r: &Rule) -> SRule {
        let Rule {
            id,
            decision,
            tags,
            message,
            hint,
            matcher,
            wasm,
            config,
            examples: _,
        } = r;
        SRule {
            id: id.clone(),
            decision: *decision,
            tags: tags.clone(),
            message: message.clone(),
            hint: hint.clone(),
            matcher: matcher.as_ref().map(SMatch::from_match),
            wasm: wasm.clone(),
            config: config.as_ref().map(|c| c.to_string()),
            must_match: Vec::new(),
            no_match: Vec::new(),
        }
    }

    /// The rule back (`None` when an example's tool input or the `config` is not JSON).
    pub(crate) fn into_rule(self) -> Option<Rule> {
        Some(Rule {
            id: self.id,
            decision: self.decision,
            tags: self.tags,
            message: self.message,
            hint: self.hint,
            matcher: self.matcher.map(SMatch::into_match),
            wasm: self.wasm,
            config: match self.config {
                Some(c) => Some(serde_json::from_str(&c).ok()?),
                None => None,
            },
            examples: Examples {
                must_match: self
                    .must_match
                    .into_iter()
                    .map(unexample)
                    .collect::<Option<_>>()?,
                no_match: self
                    .no_match
                    .into_iter()
                    .map(unexample)
                    .collect::<Option<_>>()?,
            },
        })
    }
}
