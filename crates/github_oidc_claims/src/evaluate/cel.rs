//! A small evaluator for the subset of CEL that GCP attribute mappings and attribute
//! conditions use in practice: string and boolean literals (`'…'` / `"…"`), lists, `assertion`,
//! `attribute` and `google` members (`.name` or `['name']`), `==`, `!=`, `in`, `+`
//! (concatenation), `!`, `&&`, `||`, parentheses, and the string methods `startsWith`,
//! `endsWith`, `contains` and `matches` (RE2 syntax, evaluated with the `regex` crate).
//!
//! Anything else parses to an error or evaluates to "unknown", never to true.

use std::collections::BTreeMap;

use super::{subject_note, Facts, Lookup, PolicyProvider, Reason, Tri, ABSENT};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Op(&'static str),
}

fn lex(s: &str) -> Result<Vec<(Tok, usize, usize)>, String> {
    let b: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |i: usize| b.get(i).map(|x| x.0).unwrap_or(s.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let (start, c) = b[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = b[i..b.len().min(i + 2)].iter().map(|x| x.1).collect();
        if let Some(op) = ["==", "!=", "&&", "||", "<=", ">="]
            .into_iter()
            .find(|o| *o == two)
        {
            out.push((Tok::Op(op), start, end_of(i + 2)));
            i += 2;
            continue;
        }
        if let Some(op) = [
            "!", "+", ".", ",", "(", ")", "[", "]", "?", ":", "<", ">", "-", "*", "/", "%", "{", "}",
        ]
        .into_iter()
        .find(|o| o.starts_with(c))
        {
            out.push((Tok::Op(op), start, end_of(i + 1)));
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            if b.get(i + 1).map(|x| x.1) == Some(c) && b.get(i + 2).map(|x| x.1) == Some(c) {
                return Err("triple-quoted strings are not supported".into());
            }
            let mut v = String::new();
            i += 1;
            loop {
                let Some(&(_, ch)) = b.get(i) else {
                    return Err("unterminated string literal".into());
                };
                if ch == c {
                    i += 1;
                    break;
                }
                if ch == '\\' {
                    let Some(&(_, e)) = b.get(i + 1) else {
                        return Err("unterminated string literal".into());
                    };
                    v.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '\\' | '\'' | '"' | '`' | '?' => e,
                        other => return Err(format!("the escape `\\{other}` is not supported")),
                    });
                    i += 2;
                    continue;
                }
                v.push(ch);
                i += 1;
            }
            out.push((Tok::Str(v), start, end_of(i)));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let mut j = i;
            while j < b.len() && (b[j].1.is_ascii_alphanumeric() || b[j].1 == '_') {
                j += 1;
            }
            let word: String = b[i..j].iter().map(|x| x.1).collect();
            if (word == "r" || word == "R" || word == "b" || word == "B")
                && b.get(j).is_some_and(|x| x.1 == '\'' || x.1 == '"')
            {
                return Err(format!("`{word}`-prefixed string literals are not supported"));
            }
            out.push((Tok::Ident(word), start, end_of(j)));
            i = j;
            continue;
        }
        if c.is_ascii_digit() {
            return Err("numeric literals are not supported".into());
        }
        return Err(format!("unexpected character `{c}`"));
    }
    Ok(out)
}

/// A parsed expression with the byte span of its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    kind: Kind,
    span: (usize, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Str(String),
    Bool(bool),
    Ident(String),
    Member(Box<Node>, String),
    Index(Box<Node>, Box<Node>),
    Call(Option<Box<Node>>, String, Vec<Node>),
    List(Vec<Node>),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Eq(Box<Node>, Box<Node>),
    Ne(Box<Node>, Box<Node>),
    In(Box<Node>, Box<Node>),
    Add(Box<Node>, Box<Node>),
}

/// A parsed CEL expression and its source text.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    src: String,
    root: Node,
}

struct Parser<'a> {
    toks: &'a [(Tok, usize, usize)],
    pos: usize,
    depth: usize,
}

impl Program {
    /// Parses `src`; the error names the unsupported construct.
    pub(crate) fn parse(src: &str) -> Result<Program, String> {
        if src.len() > MAX_SOURCE {
            return Err(format!("the expression is longer than {MAX_SOURCE} bytes"));
        }
        let toks = lex(src)?;
        if toks.is_empty() {
            return Err("the expression is empty".into());
        }
        let mut p = Parser {
            toks: &toks,
            pos: 0,
            depth: 0,
        };
        let root = p.expr()?;
        if p.pos != toks.len() {
            return Err(format!("`{}` is not supported here", p.text(src, p.pos)));
        }
        if depth(&root) > MAX_DEPTH {
            return Err(format!("the expression nests more than {MAX_DEPTH} levels deep"));
        }
        Ok(Program {
            src: src.to_string(),
            root,
        })
    }
}

impl Parser<'_> {
    fn text<'s>(&self, src: &'s str, pos: usize) -> &'s str {
        let (_, s, e) = &self.toks[pos];
        &src[*s..*e]
    }
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Op(o), _, _)) if *o == op)
    }
    fn peek_ident(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Ident(x), _, _)) if x == w)
    }
    fn expect_op(&mut self, op: &str) -> Result<usize, String> {
        if self.peek_op(op) {
            self.pos += 1;
            Ok(self.toks[self.pos - 1].2)
        } else {
            Err(format!("expected `{op}`"))
        }
    }
    fn start(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.1).unwrap_or(0)
    }
    fn bin(kind: fn(Box<Node>, Box<Node>) -> Kind, l: Node, r: Node) -> Node {
        let span = (l.span.0, r.span.1);
        Node {
            kind: kind(Box::new(l), Box::new(r)),
            span,
        }
    }
    fn expr(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > 64 {
            return Err("the expression nests too deeply".into());
        }
        let e = self.or()?;
        if self.peek_op("?") {
            return Err("the conditional operator `? :` is not supported".into());
        }
        self.depth -= 1;
        Ok(e)
    }
    fn or(&mut self) -> Result<Node, String> {
        let mut l = self.and()?;
        while self.peek_op("||") {
            self.pos += 1;
            let r = self.and()?;
            l = Self::bin(Kind::Or, l, r);
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Node, String> {
        let mut l = self.relation()?;
        while self.peek_op("&&") {
            self.pos += 1;
            let r = self.relation()?;
            l = Self::bin(Kind::And, l, r);
        }
        Ok(l)
    }
    fn relation(&mut self) -> Result<Node, String> {
        let l = self.addition()?;
        let kind: fn(Box<Node>, Box<Node>) -> Kind = if self.peek_op("==") {
            Kind::Eq
        } else if self.peek_op("!=") {
            Kind::Ne
        } else if self.peek_ident("in") {
            Kind::In
        } else if ["<", ">", "<=", ">="].iter().any(|o| self.peek_op(o)) {
            return Err("ordering comparisons (`<`, `>`, …) are not supported".into());
        } else {
            return Ok(l);
        };
        self.pos += 1;
        let r = self.addition()?;
        if self.peek_op("==") || self.peek_op("!=") || self.peek_ident("in") {
            return Err("chained comparisons are not supported".into());
        }
        Ok(Self::bin(kind, l, r))
    }
    fn addition(&mut self) -> Result<Node, String> {
        let mut l = self.unary()?;
        while self.peek_op("+") {
            self.pos += 1;
            let r = self.unary()?;
            l = Self::bin(Kind::Add, l, r);
        }
        if ["-", "*", "/", "%"].iter().any(|o| self.peek_op(o)) {
            return Err("arithmetic other than string `+` is not supported".into());
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Node, String> {
        if self.peek_op("!") {
            let s = self.start();
            self.pos += 1;
            self.depth += 1;
            if self.depth > 64 {
                return Err("the expression nests too deeply".into());
            }
            let inner = self.unary()?;
            self.depth -= 1;
            let span = (s, inner.span.1);
            return Ok(Node {
                kind: Kind::Not(Box::new(inner)),
                span,
            });
        }
        if self.peek_op("-") {
            return Err("negation `-` is not supported".into());
        }
        self.member()
    }
    fn member(&mut self) -> Result<Node, String> {
        let mut n = self.primary()?;
        loop {
            if self.peek_op(".") {
                self.pos += 1;
                let Some((Tok::Ident(name), _, end)) = self.toks.get(self.pos).cloned() else {
                    return Err("expected a name after `.`".into());
                };
                self.pos += 1;
                if self.peek_op("(") {
                    self.pos += 1;
                    let (args, end) = self.args(")")?;
                    let span = (n.span.0, end);
                    n = Node {
                        kind: Kind::Call(Some(Box::new(n)), name, args),
                        span,
                    };
                } else {
                    let span = (n.span.0, end);
                    n = Node {
                        kind: Kind::Member(Box::new(n), name),
                        span,
                    };
                }
            } else if self.peek_op("[") {
                self.pos += 1;
                let idx = self.expr()?;
                let end = self.expect_op("]")?;
                let span = (n.span.0, end);
                n = Node {
                    kind: Kind::Index(Box::new(n), Box::new(idx)),
                    span,
                };
            } else {
                return Ok(n);
            }
        }
    }
    fn args(&mut self, close: &str) -> Result<(Vec<Node>, usize), String> {
        let mut args = Vec::new();
        if self.peek_op(close) {
            self.pos += 1;
            return Ok((args, self.toks[self.pos - 1].2));
        }
        loop {
            args.push(self.expr()?);
            if self.peek_op(",") {
                self.pos += 1;
                if self.peek_op(close) {
                    self.pos += 1;
                    return Ok((args, self.toks[self.pos - 1].2));
                }
                continue;
            }
            let end = self.expect_op(close)?;
            return Ok((args, end));
        }
    }
    fn primary(&mut self) -> Result<Node, String> {
        let Some((tok, s, e)) = self.toks.get(self.pos).cloned() else {
            return Err("the expression ends too early".into());
        };
        self.pos += 1;
        match tok {
            Tok::Str(v) => Ok(Node {
                kind: Kind::Str(v),
                span: (s, e),
            }),
            Tok::Ident(w) if w == "true" || w == "false" => Ok(Node {
                kind: Kind::Bool(w == "true"),
                span: (s, e),
            }),
            Tok::Ident(w) if w == "null" => Err("`null` is not supported".into()),
            Tok::Ident(w) => {
                if self.peek_op("(") {
                    self.pos += 1;
                    let (args, end) = self.args(")")?;
                    return Ok(Node {
                        kind: Kind::Call(None, w, args),
                        span: (s, end),
                    });
                }
                Ok(Node {
                    kind: Kind::Ident(w),
                    span: (s, e),
                })
            }
            Tok::Op("(") => {
                let inner = self.expr()?;
                let end = self.expect_op(")")?;
                Ok(Node {
                    kind: inner.kind,
                    span: (s, end),
                })
            }
            Tok::Op("[") => {
                let (items, end) = self.args("]")?;
                Ok(Node {
                    kind: Kind::List(items),
                    span: (s, end),
                })
            }
            Tok::Op("{") => Err("map literals are not supported".into()),
            Tok::Op(o) => Err(format!("unexpected `{o}`")),
        }
    }
}

/// Longest expression accepted (GCP limits attribute conditions to 4096 characters).
const MAX_SOURCE: usize = 8192;
/// Deepest syntax tree evaluated (bounds the evaluator's recursion).
const MAX_DEPTH: usize = 256;

/// The depth of a syntax tree, computed without recursion.
fn depth<'a>(root: &'a Node) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        let mut push = |c: &'a Node| stack.push((c, d + 1));
        match &n.kind {
            Kind::Str(_) | Kind::Bool(_) | Kind::Ident(_) => {}
            Kind::Member(a, _) | Kind::Not(a) => push(a),
            Kind::List(items) => items.iter().for_each(push),
            Kind::Call(r, _, args) => {
                if let Some(r) = r {
                    push(r);
                }
                args.iter().for_each(push);
            }
            Kind::Index(a, b)
            | Kind::And(a, b)
            | Kind::Or(a, b)
            | Kind::Eq(a, b)
            | Kind::Ne(a, b)
            | Kind::In(a, b)
            | Kind::Add(a, b) => {
                push(a);
                push(b);
            }
        }
    }
    max
}

/// A runtime value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Str(String),
    Bool(bool),
    List(Vec<Val>),
    Root(Root),
    /// A CEL evaluation error (e.g. a missing key): the provider rejects the token.
    Err(String),
    /// Cannot be decided (a claim not given, an unsupported function).
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    Assertion,
    Attribute,
    Google,
}

/// What the names resolve to.
pub(crate) struct Env<'a> {
    pub(crate) facts: &'a Facts<'a>,
    /// Mapped attributes (`google.subject`, `attribute.x`); `None` while mapping.
    pub(crate) attributes: Option<&'a BTreeMap<String, Val>>,
}

const P: PolicyProvider = PolicyProvider::Gcp;

impl Program {
    /// Evaluates to a value; the reasons explain a false, error or unknown result.
    pub(crate) fn eval(&self, env: &Env) -> (Val, Vec<Reason>) {
        self.node(&self.root, env)
    }

    /// Evaluates as a condition.
    pub(crate) fn condition(&self, env: &Env) -> (Tri, Vec<Reason>) {
        let (v, mut reasons) = self.eval(env);
        match v {
            Val::Bool(true) => (Tri::Yes, Vec::new()),
            Val::Bool(false) => (Tri::No, reasons),
            Val::Unknown => (Tri::Unknown, reasons),
            Val::Err(e) => {
                if reasons.is_empty() {
                    reasons.push(Reason::new(&self.src, "evaluates to", "true", "an error").note(Some(e)));
                }
                (Tri::No, reasons)
            }
            other => (
                Tri::No,
                vec![Reason::new(&self.src, "evaluates to", "true", show(&other))
                    .note(Some("the condition is not a boolean expression".into()))],
            ),
        }
    }

    fn text(&self, n: &Node) -> &str {
        self.src.get(n.span.0..n.span.1).unwrap_or(&self.src)
    }

    fn node(&self, n: &Node, env: &Env) -> (Val, Vec<Reason>) {
        match &n.kind {
            Kind::Str(s) => (Val::Str(s.clone()), Vec::new()),
            Kind::Bool(b) => (Val::Bool(*b), Vec::new()),
            Kind::Ident(w) => match w.as_str() {
                "assertion" => (Val::Root(Root::Assertion), Vec::new()),
                "attribute" => (Val::Root(Root::Attribute), Vec::new()),
                "google" => (Val::Root(Root::Google), Vec::new()),
                other => self.err(n, format!("undeclared reference `{other}`")),
            },
            Kind::Member(obj, name) => {
                let (o, r) = self.node(obj, env);
                self.select(n, o, r, name, env)
            }
            Kind::Index(obj, idx) => {
                let (o, mut r) = self.node(obj, env);
                let (i, r2) = self.node(idx, env);
                r.extend(r2);
                match i {
                    Val::Str(name) => self.select(n, o, r, &name, env),
                    Val::Unknown => (Val::Unknown, r),
                    Val::Err(e) => (Val::Err(e), r),
                    _ => self.unknown(n, "indexing with a non-string key is not supported".into()),
                }
            }
            Kind::List(items) => {
                let mut vals = Vec::new();
                let mut reasons = Vec::new();
                for it in items {
                    let (v, r) = self.node(it, env);
                    reasons.extend(r);
                    vals.push(v);
                }
                if vals.contains(&Val::Unknown) {
                    return (Val::Unknown, reasons);
                }
                if let Some(Val::Err(e)) = vals.iter().find(|v| matches!(v, Val::Err(_))) {
                    return (Val::Err(e.clone()), reasons);
                }
                (Val::List(vals), Vec::new())
            }
            Kind::Not(inner) => {
                let (v, r) = self.node(inner, env);
                match v {
                    Val::Bool(true) => (
                        Val::Bool(false),
                        vec![Reason::new(
                            self.text(n),
                            "!",
                            "false",
                            format!("`{}` is true", self.text(inner)),
                        )
                        .fix(format!(
                            "the condition excludes this job through `{}`",
                            self.text(n)
                        ))],
                    ),
                    Val::Bool(false) => (Val::Bool(true), Vec::new()),
                    Val::Unknown | Val::Err(_) => (v, r),
                    other => self.err(n, format!("`!` applied to {}", show(&other))),
                }
            }
            Kind::And(a, b) | Kind::Or(a, b) => {
                let is_and = matches!(n.kind, Kind::And(..));
                let (x, rx) = self.node(a, env);
                let (y, ry) = self.node(b, env);
                let absorbing = Val::Bool(!is_and);
                if x == absorbing || y == absorbing {
                    // false && _ == false; true || _ == true
                    let mut reasons = Vec::new();
                    if is_and {
                        if x == absorbing {
                            reasons.extend(rx);
                        }
                        if y == absorbing {
                            reasons.extend(ry);
                        }
                    }
                    return (absorbing, reasons);
                }
                let bad = |v: &Val| !matches!(v, Val::Bool(_) | Val::Unknown | Val::Err(_));
                if bad(&x) || bad(&y) {
                    return self.err(n, "`&&` / `||` need booleans".into());
                }
                let both: Vec<(Val, Vec<Reason>)> = vec![(x, rx), (y, ry)];
                if both.iter().any(|(v, _)| *v == Val::Unknown) {
                    let r = both
                        .into_iter()
                        .filter(|(v, _)| *v == Val::Unknown)
                        .flat_map(|(_, r)| r)
                        .collect();
                    return (Val::Unknown, r);
                }
                if let Some(e) = both.iter().find_map(|(v, _)| match v {
                    Val::Err(e) => Some(e.clone()),
                    _ => None,
                }) {
                    let r = both.into_iter().flat_map(|(_, r)| r).collect();
                    return (Val::Err(e), r);
                }
                // Both are the non-absorbing value.
                let r = if is_and {
                    Vec::new()
                } else {
                    both.into_iter().flat_map(|(_, r)| r).collect()
                };
                (Val::Bool(is_and), r)
            }
            Kind::Eq(a, b) | Kind::Ne(a, b) => {
                let eq = matches!(n.kind, Kind::Eq(..));
                let (x, mut r) = self.node(a, env);
                let (y, r2) = self.node(b, env);
                r.extend(r2);
                if let Some(v) = pending(&x, &y) {
                    return (v, r);
                }
                if std::mem::discriminant(&x) != std::mem::discriminant(&y) {
                    return self.unknown(n, format!("comparison of {} with {}", show(&x), show(&y)));
                }
                let holds = (x == y) == eq;
                if holds {
                    return (Val::Bool(true), Vec::new());
                }
                let (expected, actual) = self.orient(a, b, &x, &y);
                let op = if eq { "==" } else { "!=" };
                let mut reason = Reason::new(self.text(n), op, show(expected), show(actual));
                if let (true, Val::Str(e), Val::Str(v)) = (eq, expected, actual) {
                    reason = reason.note(subject_note(P, e, v, &|p: &str, t: &str| p == t));
                }
                (Val::Bool(false), vec![reason])
            }
            Kind::In(a, b) => {
                let (x, mut r) = self.node(a, env);
                let (y, r2) = self.node(b, env);
                r.extend(r2);
                if let Some(v) = pending(&x, &y) {
                    return (v, r);
                }
                let Val::List(items) = &y else {
                    return self.unknown(n, format!("`in` over {} is not supported", show(&y)));
                };
                if items.contains(&x) {
                    return (Val::Bool(true), Vec::new());
                }
                let mut reason = Reason::new(self.text(n), "in", show(&y), show(&x));
                if let Val::Str(v) = &x {
                    let note = items.iter().find_map(|i| match i {
                        Val::Str(e) => subject_note(P, e, v, &|p: &str, t: &str| p == t),
                        _ => None,
                    });
                    reason = reason.note(note);
                }
                (Val::Bool(false), vec![reason])
            }
            Kind::Add(a, b) => {
                let (x, mut r) = self.node(a, env);
                let (y, r2) = self.node(b, env);
                r.extend(r2);
                if let Some(v) = pending(&x, &y) {
                    return (v, r);
                }
                match (x, y) {
                    (Val::Str(p), Val::Str(q)) => (Val::Str(p + &q), Vec::new()),
                    (Val::List(mut p), Val::List(q)) => {
                        p.extend(q);
                        (Val::List(p), Vec::new())
                    }
                    (x, y) => self.unknown(n, format!("`+` of {} and {}", show(&x), show(&y))),
                }
            }
            Kind::Call(Some(recv), name, args) => {
                let (x, mut r) = self.node(recv, env);
                let mut vals = Vec::new();
                for a in args {
                    let (v, r2) = self.node(a, env);
                    r.extend(r2);
                    vals.push(v);
                }
                if let Some(v) = vals
                    .iter()
                    .chain(std::iter::once(&x))
                    .find(|v| matches!(v, Val::Unknown))
                {
                    return (v.clone(), r);
                }
                if let Some(v) = vals
                    .iter()
                    .chain(std::iter::once(&x))
                    .find(|v| matches!(v, Val::Err(_)))
                {
                    return (v.clone(), r);
                }
                let (Val::Str(s), [Val::Str(arg)]) = (&x, vals.as_slice()) else {
                    return self.unknown(
                        n,
                        format!("the method `{name}` with these arguments is not supported"),
                    );
                };
                let holds = match name.as_str() {
                    "startsWith" => s.starts_with(arg.as_str()),
                    "endsWith" => s.ends_with(arg.as_str()),
                    "contains" => s.contains(arg.as_str()),
                    "matches" => match regex::Regex::new(arg) {
                        Ok(re) => re.is_match(s),
                        Err(e) => {
                            return self
                                .unknown(n, format!("the regular expression `{arg}` is not supported: {e}"))
                        }
                    },
                    other => return self.unknown(n, format!("the method `{other}` is not supported")),
                };
                if holds {
                    return (Val::Bool(true), Vec::new());
                }
                let mut reason = Reason::new(self.text(n), name.as_str(), arg.as_str(), s.as_str());
                if name == "matches" {
                    if let Ok(re) = regex::Regex::new(arg) {
                        reason = reason.note(subject_note(P, arg, s, &|p: &str, t: &str| {
                            if p == arg {
                                re.is_match(t)
                            } else {
                                regex::Regex::new(p).is_ok_and(|r| r.is_match(t))
                            }
                        }));
                    }
                } else if name == "startsWith" {
                    reason = reason.note(subject_note(P, arg, s, &|p: &str, t: &str| t.starts_with(p)));
                }
                (Val::Bool(false), vec![reason])
            }
            Kind::Call(None, name, _) => self.unknown(n, format!("the function `{name}()` is not supported")),
        }
    }

    /// Which side is the expected value: the one that does not read the token.
    fn orient<'v>(&self, a: &Node, b: &Node, x: &'v Val, y: &'v Val) -> (&'v Val, &'v Val) {
        if reads_token(b) && !reads_token(a) {
            (x, y)
        } else {
            (y, x)
        }
    }

    fn select(
        &self,
        n: &Node,
        obj: Val,
        mut reasons: Vec<Reason>,
        name: &str,
        env: &Env,
    ) -> (Val, Vec<Reason>) {
        match obj {
            Val::Root(Root::Assertion) => match env.facts.claim(name) {
                Lookup::Value(v) => (Val::Str(v), reasons),
                Lookup::Absent => self.err(n, format!("the token has no `{name}` claim")),
                Lookup::Unknown => {
                    reasons.push(Reason::needs_claim(
                        self.text(n),
                        "cannot evaluate",
                        "a value",
                        name,
                    ));
                    (Val::Unknown, reasons)
                }
            },
            Val::Root(root @ (Root::Attribute | Root::Google)) => {
                let key = format!(
                    "{}.{name}",
                    if root == Root::Google {
                        "google"
                    } else {
                        "attribute"
                    }
                );
                match env.attributes.and_then(|m| m.get(&key)) {
                    Some(Val::Unknown) => {
                        reasons.push(
                            Reason::new(self.text(n), "cannot evaluate", "a value", super::UNKNOWN)
                                .note(Some(format!("`{key}` is mapped from a claim that was not given"))),
                        );
                        (Val::Unknown, reasons)
                    }
                    Some(Val::Err(_)) | None => self.err(
                        n,
                        format!("`{key}` is not mapped (or maps to nothing) for this token"),
                    ),
                    Some(v) => (v.clone(), reasons),
                }
            }
            Val::Unknown | Val::Err(_) => (obj, reasons),
            other => self.err(n, format!("no field `{name}` on {}", show(&other))),
        }
    }

    fn err(&self, n: &Node, msg: String) -> (Val, Vec<Reason>) {
        (
            Val::Err(msg.clone()),
            vec![Reason::new(self.text(n), "evaluates to", "a value", ABSENT).note(Some(msg))],
        )
    }

    fn unknown(&self, n: &Node, msg: String) -> (Val, Vec<Reason>) {
        (
            Val::Unknown,
            vec![
                Reason::new(self.text(n), "cannot evaluate", "(supported CEL)", super::UNKNOWN)
                    .note(Some(msg)),
            ],
        )
    }
}

/// An unknown or error operand decides a strict operator's result.
fn pending(x: &Val, y: &Val) -> Option<Val> {
    if *x == Val::Unknown || *y == Val::Unknown {
        return Some(Val::Unknown);
    }
    [x, y].into_iter().find(|v| matches!(v, Val::Err(_))).cloned()
}

fn reads_token(n: &Node) -> bool {
    match &n.kind {
        Kind::Str(_) | Kind::Bool(_) => false,
        Kind::Ident(_) => true,
        Kind::List(items) => items.iter().any(reads_token),
        Kind::Call(r, _, args) => r.as_deref().is_some_and(reads_token) || args.iter().any(reads_token),
        Kind::Member(a, _) | Kind::Not(a) => reads_token(a),
        Kind::Index(a, b)
        | Kind::And(a, b)
        | Kind::Or(a, b)
        | Kind::Eq(a, b)
        | Kind::Ne(a, b)
        | Kind::In(a, b)
        | Kind::Add(a, b) => reads_token(a) || reads_token(b),
    }
}

/// A value as text: strings bare, lists as `['a', 'b']`.
pub(crate) fn show(v: &Val) -> String {
    match v {
        Val::Str(s) => s.clone(),
        Val::Bool(b) => b.to_string(),
        Val::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| match i {
                    Val::Str(s) => format!("'{s}'"),
                    other => show(other),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::Root(_) => "a variable".into(),
        Val::Err(e) => format!("error: {e}"),
        Val::Unknown => super::UNKNOWN.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::TokenFacts;

    fn run(src: &str, subject: &str) -> (Tri, Vec<Reason>) {
        let job = TokenFacts::new(subject);
        let facts = Facts::new(PolicyProvider::Gcp, &job);
        let p = Program::parse(src).unwrap();
        p.condition(&Env {
            facts: &facts,
            attributes: None,
        })
    }

    #[test]
    fn parses_the_supported_subset() {
        for ok in [
            "assertion.sub == 'a'",
            "assertion['sub'] != \"a\" && !(assertion.repository in ['a', 'b',])",
            "assertion.sub.startsWith('repo:o/') || assertion.sub.matches('^repo:o/.*$')",
            "'repo:' + assertion.repository",
            "true",
        ] {
            Program::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "assertion.sub == 1",
            "a ? b : c",
            "assertion.sub < 'x'",
            "'unterminated",
            "assertion.sub ==",
            "{'a': 1}",
            "r'raw'",
            "a == b == c",
            "",
        ] {
            assert!(Program::parse(bad).is_err(), "{bad}");
        }
        // Deep or long input is refused, not a stack overflow.
        assert!(Program::parse(&format!("{}true", "!".repeat(5000))).is_err());
        assert!(Program::parse(&format!("{}true{}", "(".repeat(5000), ")".repeat(5000))).is_err());
        assert!(Program::parse(&vec!["true"; 1000].join(" || ")).is_err());
        assert!(Program::parse(&vec!["true"; 100].join(" || ")).is_ok());
    }

    #[test]
    fn evaluates() {
        let s = "repo:o/r:ref:refs/heads/main";
        assert_eq!(
            run("assertion.sub == 'repo:o/r:ref:refs/heads/main'", s).0,
            Tri::Yes
        );
        assert_eq!(
            run("assertion.sub != 'x' && assertion.repository == 'o/r'", s).0,
            Tri::Yes
        );
        assert_eq!(run("assertion.repository_owner in ['a', 'o']", s).0, Tri::Yes);
        assert_eq!(run("assertion.sub.startsWith('repo:o/')", s).0, Tri::Yes);
        assert_eq!(run("assertion.sub.endsWith('/main')", s).0, Tri::Yes);
        assert_eq!(run("assertion.sub.contains('heads')", s).0, Tri::Yes);
        assert_eq!(run("assertion.sub.matches('^repo:o/r:.*$')", s).0, Tri::Yes);
        assert_eq!(run("!(assertion.sub == 'x')", s).0, Tri::Yes);
        assert_eq!(
            run(
                "'repo:' + assertion.repository + ':ref:' + assertion.ref == assertion.sub",
                s
            )
            .0,
            Tri::Yes
        );
        let (t, r) = run("assertion.sub == 'repo:o/x:ref:refs/heads/main'", s);
        assert_eq!(t, Tri::No);
        assert_eq!(r[0].expected, "repo:o/x:ref:refs/heads/main");
        assert_eq!(r[0].actual, s);
        // Unknown claim: cannot evaluate, but `true || unknown` is true and `false && unknown` false.
        assert_eq!(run("assertion.job_workflow_ref == 'x'", s).0, Tri::Unknown);
        assert_eq!(
            run("assertion.sub == 'x' && assertion.job_workflow_ref == 'x'", s).0,
            Tri::No
        );
        assert_eq!(
            run(
                "assertion.sub == 'repo:o/r:ref:refs/heads/main' || assertion.job_workflow_ref == 'x'",
                s
            )
            .0,
            Tri::Yes
        );
        // Known-absent claim: an error, which rejects.
        assert_eq!(
            run("assertion.environment == 'prod'", "repo:o/r:pull_request").0,
            Tri::No
        );
        assert_eq!(run("assertion.environment == 'prod'", s).0, Tri::Unknown);
        // Unsupported functions and regexes: cannot evaluate.
        assert_eq!(run("size(assertion.sub) == 'x' || false", s).0, Tri::Unknown);
        assert_eq!(run("assertion.sub.lowerAscii() == 'x'", s).0, Tri::Unknown);
        assert_eq!(run("assertion.sub.matches('(?=x)')", s).0, Tri::Unknown);
        // RE2 syntax: Unicode classes, case-insensitive flags.
        assert_eq!(
            run(r"assertion.sub.matches('^(?i)REPO:\\pL/\\pL:')", s).0,
            Tri::Yes
        );
        assert_eq!(run("assertion.sub", s).0, Tri::No);
    }
}
