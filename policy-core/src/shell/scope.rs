//! Constant propagation: what the walker knows about variables, functions and
//! the working directory at each point of a script.

use std::collections::HashMap;

use crate::action::Dynamic;
use crate::options::ShellOptions;
use crate::shell::parse::Source;

/// The value of a shell variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A known string.
    Str(String),
    /// A known indexed array.
    Array(Vec<String>),
    /// Explicitly unset (known empty).
    Unset,
    /// Not known statically.
    Dyn(Dynamic),
}

/// A variable and whether it is exported to child processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Var {
    pub value: Value,
    pub exported: bool,
}

/// A function defined earlier in the script.
#[derive(Clone, Copy)]
pub(crate) struct Function<'a> {
    pub body: tree_sitter::Node<'a>,
    pub src: &'a Source,
}

/// Variables, functions and working directory at one point of a script.
#[derive(Clone)]
pub(crate) struct Scope<'a> {
    vars: HashMap<String, Var>,
    /// The working directory, when known.
    pub cwd: Option<String>,
    /// The previous working directory (`cd -`, `~-`), when known.
    pub oldpwd: Option<String>,
    /// Positional parameters, when known.
    pub positional: Option<Vec<String>>,
    /// Functions by name.
    pub functions: HashMap<String, Function<'a>>,
    /// True for a shell whose environment we know nothing about (another host, a container).
    pub foreign: bool,
    /// `$0`, when set by `bash -c CODE NAME` (else `bash`).
    pub arg0: Option<String>,
    /// Known environment (from the options), consulted for unset names.
    env: std::sync::Arc<HashMap<String, String>>,
}

/// Most variables tracked; past it, new assignments are dynamic.
const MAX_VARS: usize = 4096;

impl<'a> Scope<'a> {
    /// The top-level scope for `opts`.
    pub fn new(opts: &ShellOptions) -> Scope<'a> {
        let env: HashMap<String, String> = opts.env.clone().into_iter().collect();
        Scope {
            vars: HashMap::new(),
            cwd: opts.cwd.clone(),
            oldpwd: opts.env.get("OLDPWD").cloned(),
            positional: if opts.positional_empty {
                Some(Vec::new())
            } else {
                None
            },
            functions: HashMap::new(),
            foreign: false,
            arg0: None,
            env: std::sync::Arc::new(env),
        }
    }

    /// A scope for a shell on another host or in a container: nothing is known.
    pub fn foreign(&self) -> Scope<'a> {
        Scope {
            vars: HashMap::new(),
            cwd: None,
            oldpwd: None,
            positional: None,
            functions: HashMap::new(),
            foreign: true,
            arg0: None,
            env: std::sync::Arc::new(HashMap::new()),
        }
    }

    /// The scope of a child shell started from this one (`bash -c`): exported
    /// variables and functions stay known; unexported variables are unknown (they may
    /// be in the environment under the same name).
    pub fn child(&self, positional: Option<Vec<String>>) -> Scope<'a> {
        let mut vars = HashMap::new();
        for (k, v) in &self.vars {
            let value = if v.exported {
                v.value.clone()
            } else {
                Value::Dyn(Dynamic {
                    source: format!("${k}"),
                    producer: None,
                })
            };
            vars.insert(
                k.clone(),
                Var {
                    value,
                    exported: v.exported,
                },
            );
        }
        Scope {
            vars,
            cwd: self.cwd.clone(),
            oldpwd: self.oldpwd.clone(),
            positional,
            functions: self.functions.clone(),
            foreign: self.foreign,
            arg0: None,
            env: self.env.clone(),
        }
    }

    /// Looks a variable up; unknown names give a dynamic value.
    pub fn get(&self, name: &str) -> Value {
        if let Some(v) = self.vars.get(name) {
            return v.value.clone();
        }
        let dynamic = || {
            Value::Dyn(Dynamic {
                source: format!("${name}"),
                producer: None,
            })
        };
        match name {
            "PWD" => self.cwd.clone().map_or_else(dynamic, Value::Str),
            "OLDPWD" => self.oldpwd.clone().map_or_else(dynamic, Value::Str),
            "IFS" if !self.foreign => Value::Str(" \t\n".into()),
            "0" if !self.foreign => Value::Str(self.arg0.clone().unwrap_or_else(|| "bash".into())),
            "#" => match &self.positional {
                Some(p) => Value::Str(p.len().to_string()),
                None => dynamic(),
            },
            "@" | "*" => match &self.positional {
                Some(p) => Value::Array(p.clone()),
                None => dynamic(),
            },
            n if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                match (&self.positional, n.parse::<usize>()) {
                    (Some(p), Ok(i)) if i >= 1 => {
                        p.get(i - 1).cloned().map_or(Value::Unset, Value::Str)
                    }
                    _ => dynamic(),
                }
            }
            _ => match self.env.get(name) {
                Some(v) if !self.foreign => Value::Str(v.clone()),
                _ => dynamic(),
            },
        }
    }

    /// True when the variable is exported (or comes from the environment).
    pub fn is_exported(&self, name: &str) -> bool {
        self.vars
            .get(name)
            .map_or(self.env.contains_key(name), |v| v.exported)
    }

    /// Sets a variable, keeping its exported flag.
    pub fn set(&mut self, name: &str, value: Value) {
        let exported = self.is_exported(name);
        self.set_var(name, value, exported);
    }

    /// Sets a variable and its exported flag.
    pub fn set_var(&mut self, name: &str, value: Value, exported: bool) {
        if name == "PWD" {
            if let Value::Str(s) = &value {
                self.cwd = Some(s.clone());
            }
        }
        if self.vars.len() >= MAX_VARS && !self.vars.contains_key(name) {
            return;
        }
        self.vars.insert(name.to_string(), Var { value, exported });
    }

    /// Marks a variable exported.
    pub fn export(&mut self, name: &str) {
        let value = self.get(name);
        self.set_var(name, value, true);
    }

    /// Merges the state after a branch that may or may not have run into this
    /// scope: values that differ become unknown.
    pub fn join(&mut self, branch: &Scope<'a>) {
        for (k, v) in &branch.vars {
            let before = self.get(k);
            if before != v.value {
                let exported = v.exported || self.is_exported(k);
                self.set_var(
                    k,
                    Value::Dyn(Dynamic {
                        source: format!("${k}"),
                        producer: None,
                    }),
                    exported,
                );
            } else if v.exported {
                self.export(k);
            }
        }
        if self.cwd != branch.cwd {
            self.cwd = None;
        }
        if self.oldpwd != branch.oldpwd {
            self.oldpwd = None;
        }
        if self.positional != branch.positional {
            self.positional = None;
        }
        for (k, f) in &branch.functions {
            self.functions.entry(k.clone()).or_insert(*f);
        }
    }

    /// The known environment value of `name` from the options (ignores script assignments).
    pub fn initial_env(&self, name: &str) -> Option<&str> {
        if self.foreign {
            return None;
        }
        self.env.get(name).map(String::as_str)
    }
}
