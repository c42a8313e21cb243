//! Microsoft Entra ID federated identity credentials.
//!
//! A token is accepted when one credential matches it: the `issuer` exactly, one of the
//! `audiences` exactly, and either the `subject` exactly (case-sensitive) or, for a flexible
//! credential, its `claimsMatchingExpression` (`claims['sub'] matches 'repo:o/r:*'`, `eq`,
//! `and`, `or`, parentheses; `matches` supports the `*` wildcard).
//!
//! Entra allows at most [`CREDENTIAL_LIMIT`] federated credentials per application; adding
//! the immutable-subject twin of every name-based credential during a migration may pass it.

use serde_json::Value;

use super::{
    best_of, glob_match, issuer_note, list, malformed, split_subject, strings, subject_note, Check,
    EvaluateError, Facts, Lookup, Outcome, PolicyProvider, Reason, Tri,
};

const P: PolicyProvider = PolicyProvider::Azure;

/// Entra's limit of federated identity credentials per application or managed identity.
pub const CREDENTIAL_LIMIT: usize = 20;

#[derive(Debug, Clone)]
pub(crate) struct AzurePolicy {
    credentials: Vec<Credential>,
}

#[derive(Debug, Clone)]
struct Credential {
    label: String,
    issuer: String,
    subject: Option<String>,
    audiences: Vec<String>,
    expression: Option<(String, Result<Expr, String>)>,
}

impl AzurePolicy {
    pub(crate) fn parse(v: &Value, warnings: &mut Vec<String>) -> Result<AzurePolicy, EvaluateError> {
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(o) => match o.get("value") {
                Some(Value::Array(a)) => a.iter().collect(),
                _ => vec![v],
            },
            _ => {
                return Err(malformed(
                    P,
                    "expected a federated credential object or a list of them",
                ))
            }
        };
        if items.is_empty() {
            return Err(malformed(P, "the list of federated credentials is empty"));
        }
        let credentials = items
            .iter()
            .enumerate()
            .map(|(i, c)| parse_credential(i, c))
            .collect::<Result<Vec<_>, _>>()?;
        let n = credentials.len();
        if n > CREDENTIAL_LIMIT {
            warnings.push(format!(
                "{n} federated credentials: over Entra's limit of {CREDENTIAL_LIMIT} per application"
            ));
        } else if n == CREDENTIAL_LIMIT {
            warnings.push(format!(
                "{n} federated credentials: at Entra's limit of {CREDENTIAL_LIMIT} per application; no credential can be \
                 added"
            ));
        }
        // Name-based credentials without an immutable twin.
        let twins_needed = credentials
            .iter()
            .filter_map(|c| c.subject.as_deref())
            .filter(|s| split_subject(s).is_some_and(|(seg, _)| !seg.immutable()))
            .filter(|s| {
                !credentials.iter().any(|o| {
                    o.subject
                        .as_deref()
                        .and_then(super::strip_ids)
                        .is_some_and(|legacy| legacy.eq_ignore_ascii_case(s))
                })
            })
            .count();
        if twins_needed > 0 && n + twins_needed > CREDENTIAL_LIMIT {
            warnings.push(format!(
                "{twins_needed} credential(s) trust name-based subjects; adding the immutable-subject twin of each (the \
                 migration pattern: add new, opt in, then delete old) makes {} credentials, over Entra's limit of \
                 {CREDENTIAL_LIMIT} per application: migrate in batches, use a flexible credential \
                 (claimsMatchingExpression), or split across applications",
                n + twins_needed
            ));
        }
        Ok(AzurePolicy { credentials })
    }

    pub(crate) fn evaluate(&self, f: &Facts) -> Outcome {
        let candidates = self
            .credentials
            .iter()
            .map(|c| (format!("credential {}", c.label), c.check(f)))
            .collect::<Vec<_>>();
        let mut out = best_of(candidates);
        if !out.allowed && out.evaluable && self.credentials.len() >= CREDENTIAL_LIMIT {
            out.warnings.push(format!(
                "the application already has {} federated credentials (Entra's limit is {CREDENTIAL_LIMIT}): replace one \
                 or use a flexible credential instead of adding another",
                self.credentials.len()
            ));
        }
        out
    }
}

fn parse_credential(i: usize, v: &Value) -> Result<Credential, EvaluateError> {
    let o = v
        .as_object()
        .ok_or_else(|| malformed(P, format!("credential [{i}] is not an object")))?;
    let name = o.get("name").and_then(Value::as_str).unwrap_or("");
    let label = if name.is_empty() {
        format!("[{i}]")
    } else {
        name.to_string()
    };
    let issuer = o
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(P, format!("credential {label} has no `issuer`")))?
        .to_string();
    let subject = o
        .get("subject")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let audiences = match o.get("audiences") {
        Some(a) => strings(a).ok_or_else(|| {
            malformed(
                P,
                format!("credential {label}: `audiences` is not a list of strings"),
            )
        })?,
        None => return Err(malformed(P, format!("credential {label} has no `audiences`"))),
    };
    let expression = match o.get("claimsMatchingExpression") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(e)) => Some(
            e.get("value")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    malformed(
                        P,
                        format!("credential {label}: `claimsMatchingExpression.value` is missing"),
                    )
                })?
                .to_string(),
        ),
        Some(_) => {
            return Err(malformed(
                P,
                format!("credential {label}: `claimsMatchingExpression` is not a string or object"),
            ))
        }
    };
    if subject.is_some() && expression.is_some() {
        return Err(malformed(
            P,
            format!("credential {label} has both `subject` and `claimsMatchingExpression` (they are mutually exclusive)"),
        ));
    }
    if subject.is_none() && expression.is_none() {
        return Err(malformed(
            P,
            format!("credential {label} has neither `subject` nor `claimsMatchingExpression`"),
        ));
    }
    Ok(Credential {
        label,
        issuer,
        subject,
        audiences,
        expression: expression.map(|e| {
            let parsed = Parser::parse(&e);
            (e, parsed)
        }),
    })
}

impl Credential {
    fn check(&self, f: &Facts) -> Check {
        let issuer = if self.issuer == f.issuer {
            Check::yes()
        } else {
            Check::no(
                Reason::new("issuer", "equals", &self.issuer, &f.issuer)
                    .note(issuer_note(&self.issuer, &f.issuer))
                    .fix(format!("add a federated credential with issuer `{}`", f.issuer)),
            )
        };
        let audience = match &f.audience {
            Some(a) if self.audiences.iter().any(|x| x == a) => Check::yes(),
            Some(a) => Check::no(
                Reason::new("audiences", "contains", list(&self.audiences), a)
                    .note(
                        self.audiences
                            .iter()
                            .any(|x| x.eq_ignore_ascii_case(a))
                            .then(|| "the audiences differ only in letter case".to_string()),
                    )
                    .fix(format!(
                        "request the audience `{}` in the workflow (azure/login's default is `{}`)",
                        self.audiences.first().cloned().unwrap_or_default(),
                        crate::trust::AZURE_DEFAULT_AUDIENCE
                    )),
            ),
            None => Check::unknown(Reason::needs_claim(
                "audiences",
                "contains",
                list(&self.audiences),
                "aud",
            )),
        };
        let subject = match (&self.subject, &self.expression) {
            (Some(s), _) if s == f.subject => Check::yes(),
            (Some(s), _) => Check::no(
                Reason::new("subject", "equals", s, f.subject)
                    .note(subject_note(P, s, f.subject, &|a: &str, b: &str| a == b))
                    .fix(format!(
                        "add a federated credential with issuer `{}`, subject `{}` and audience `{}`",
                        f.issuer,
                        f.subject,
                        f.audience
                            .as_deref()
                            .unwrap_or(crate::trust::AZURE_DEFAULT_AUDIENCE)
                    )),
            ),
            (None, Some((text, Ok(expr)))) => {
                let c = eval(expr, f);
                match c.tri {
                    Tri::No => Check {
                        tri: Tri::No,
                        reasons: c
                            .reasons
                            .into_iter()
                            .map(|r| {
                                r.fix(format!(
                                    "extend the claimsMatchingExpression `{text}` to match this job"
                                ))
                            })
                            .collect(),
                    },
                    _ => c,
                }
            }
            (None, Some((text, Err(e)))) => Check::unknown(
                Reason::new(
                    "claimsMatchingExpression",
                    "cannot evaluate",
                    text,
                    super::UNKNOWN,
                )
                .note(Some(format!("the expression is not supported: {e}"))),
            ),
            (None, None) => Check::yes(),
        };
        issuer
            .and(audience)
            .and(subject)
            .at(&format!("credential {}", self.label))
    }
}

// --- claimsMatchingExpression -----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Matches(String, String),
    Eq(String, String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Claim(String),
    Str(String),
    Word(String),
    LParen,
    RParen,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let read_str = |i: &mut usize| -> Result<String, String> {
        // at opening quote
        let q = c[*i];
        *i += 1;
        let mut v = String::new();
        while *i < c.len() {
            if c[*i] == q {
                if *i + 1 < c.len() && c[*i + 1] == q {
                    v.push(q);
                    *i += 2;
                    continue;
                }
                *i += 1;
                return Ok(v);
            }
            if c[*i] == '\\' && *i + 1 < c.len() {
                v.push(c[*i + 1]);
                *i += 2;
                continue;
            }
            v.push(c[*i]);
            *i += 1;
        }
        Err("unterminated string literal".into())
    };
    while i < c.len() {
        match c[i] {
            w if w.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            '\'' | '"' => out.push(Tok::Str(read_str(&mut i)?)),
            _ => {
                let start = i;
                while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                if i == start {
                    return Err(format!("unexpected `{}`", c[i]));
                }
                let word: String = c[start..i].iter().collect();
                if word == "claims" && i < c.len() && c[i] == '[' {
                    i += 1;
                    while i < c.len() && c[i].is_whitespace() {
                        i += 1;
                    }
                    if i >= c.len() || (c[i] != '\'' && c[i] != '"') {
                        return Err("expected a quoted claim name after `claims[`".into());
                    }
                    let name = read_str(&mut i)?;
                    while i < c.len() && c[i].is_whitespace() {
                        i += 1;
                    }
                    if i >= c.len() || c[i] != ']' {
                        return Err("expected `]` after the claim name".into());
                    }
                    i += 1;
                    out.push(Tok::Claim(name));
                } else {
                    out.push(Tok::Word(word.to_ascii_lowercase()));
                }
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn parse(s: &str) -> Result<Expr, String> {
        let toks = lex(s)?;
        if toks.len() > 1024 {
            return Err("the expression is too long".into());
        }
        let mut nesting = 0i64;
        for t in &toks {
            nesting += match t {
                Tok::LParen => 1,
                Tok::RParen => -1,
                _ => 0,
            };
            if nesting > 32 {
                return Err("the expression nests too deeply".into());
            }
        }
        let mut p = Parser { toks, pos: 0 };
        let e = p.or()?;
        if p.pos != p.toks.len() {
            return Err(format!("unexpected {:?} after the expression", p.toks[p.pos]));
        }
        Ok(e)
    }
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x == w)
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut l = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.atom()?;
        while self.peek_word("and") {
            self.pos += 1;
            l = Expr::And(Box::new(l), Box::new(self.atom()?));
        }
        Ok(l)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.or()?;
                if self.toks.get(self.pos) != Some(&Tok::RParen) {
                    return Err("missing `)`".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Claim(name)) => {
                self.pos += 1;
                let op = match self.toks.get(self.pos) {
                    Some(Tok::Word(w)) if w == "matches" || w == "eq" => w.clone(),
                    other => {
                        return Err(format!(
                            "expected `matches` or `eq` after claims['{name}'], found {other:?}"
                        ))
                    }
                };
                self.pos += 1;
                let Some(Tok::Str(v)) = self.toks.get(self.pos).cloned() else {
                    return Err(format!("expected a quoted string after `{op}`"));
                };
                self.pos += 1;
                Ok(if op == "eq" {
                    Expr::Eq(name, v)
                } else {
                    Expr::Matches(name, v)
                })
            }
            other => Err(format!("expected claims['NAME'] or `(`, found {other:?}")),
        }
    }
}

fn eval(e: &Expr, f: &Facts) -> Check {
    match e {
        Expr::And(a, b) => eval(a, f).and(eval(b, f)),
        Expr::Or(a, b) => {
            let (x, y) = (eval(a, f), eval(b, f));
            let tri = x.tri.or(y.tri);
            let reasons = match tri {
                Tri::Yes => Vec::new(),
                Tri::No => x.reasons.into_iter().chain(y.reasons).collect(),
                Tri::Unknown => [x, y]
                    .into_iter()
                    .filter(|c| c.tri == Tri::Unknown)
                    .flat_map(|c| c.reasons)
                    .collect(),
            };
            Check { tri, reasons }
        }
        Expr::Matches(claim, pat) | Expr::Eq(claim, pat) => {
            let is_match = matches!(e, Expr::Matches(..));
            let op = if is_match { "matches" } else { "eq" };
            let cond = format!("claims['{claim}']");
            let test = |p: &str, v: &str| if is_match { glob_match(p, v, false) } else { p == v };
            match f.claim(claim) {
                Lookup::Value(v) if test(pat, &v) => Check::yes(),
                Lookup::Value(v) => Check::no(Reason::new(&cond, op, pat, &v).note(subject_note(
                    P,
                    pat,
                    &v,
                    &|a: &str, b: &str| test(a, b),
                ))),
                Lookup::Absent => Check::no(Reason::new(&cond, op, pat, super::ABSENT)),
                Lookup::Unknown => Check::unknown(Reason::needs_claim(&cond, op, pat, claim)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_expressions() {
        let e = Parser::parse(
            "claims['sub'] matches 'repo:o/*' and (claims['x'] eq \"y\" OR claims['z'] eq 'w')",
        )
        .unwrap();
        assert!(matches!(e, Expr::And(_, _)));
        assert!(Parser::parse("claims['sub'] startswith 'x'").is_err());
        assert!(Parser::parse("claims['sub'] matches 'x").is_err());
        assert!(Parser::parse("(claims['sub'] eq 'x'").is_err());
        assert!(Parser::parse("claims['sub'] eq 'x' extra").is_err());
        assert_eq!(
            Parser::parse("claims['a'] eq 'it''s'").unwrap(),
            Expr::Eq("a".into(), "it's".into())
        );
        assert!(Parser::parse(&format!(
            "{}claims['a'] eq 'x'{}",
            "(".repeat(5000),
            ")".repeat(5000)
        ))
        .is_err());
        assert!(Parser::parse(&vec!["claims['a'] eq 'x'"; 400].join(" or ")).is_err());
        assert!(Parser::parse(&vec!["claims['a'] eq 'x'"; 40].join(" or ")).is_ok());
    }
}
