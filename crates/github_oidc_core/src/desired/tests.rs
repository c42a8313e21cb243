//! Tests of the desired-state document: parsing and validation (errors name the entry),
//! wildcard precedence and ties, export → compare, exact differences and PUT bodies.

use super::*;
use crate::fleet::RepositoryFailure;
use crate::template::Template;
use proptest::prelude::*;

fn keys(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| s.to_string()).collect()
}

/// A repository as the inventory reports it. `own` = its own keys (Source `Repository`).
fn repo(name: &str, use_default: bool, own: Option<&[&str]>, flag: Option<bool>) -> RepositoryState {
    let source = match (use_default, own) {
        (true, _) => TemplateSource::Default,
        (false, Some(_)) => TemplateSource::Repository,
        (false, None) => TemplateSource::Organization,
    };
    let effective = match (source, own) {
        (TemplateSource::Repository, Some(k)) => keys(k),
        (TemplateSource::Organization, _) => keys(&["repo", "context", "job_workflow_ref"]),
        _ => keys(&["repo", "context"]),
    };
    RepositoryState {
        owner: "octo-org".into(),
        repository: name.into(),
        repository_id: 100,
        owner_id: 1,
        visibility: "private".into(),
        archived: false,
        source,
        include_claim_keys: effective,
        own_claim_keys: own.map(keys),
        use_default: Some(use_default),
        use_immutable_subject: flag,
        sub_claim_prefix: None,
        immutable: flag == Some(true),
        immutable_prefix: format!("repo:octo-org@1/{name}@100"),
        legacy_prefix: format!("repo:octo-org/{name}"),
    }
}

fn inventory(states: Vec<RepositoryState>) -> Inventory {
    Inventory {
        organization: Template {
            owner: "octo-org".into(),
            include_claim_keys: Some(keys(&["repo", "context", "job_workflow_ref"])),
            use_immutable_subject: Some(false),
            customized: true,
            ..Default::default()
        },
        states,
        failures: Vec::new(),
    }
}

fn doc(text: &str) -> Document {
    parse_text(text).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    match parse_text(text) {
        Ok(d) => panic!("accepted: {d:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_full_document_parses() {
    let d = doc(r#"{
        "$schema": "./GitHubOidc.DesiredState.schema.json",
        "Owner": "octo-org",
        "Organization": { "IncludeClaimKeys": ["repo", "context"], "UseImmutableSubject": true },
        "Repositories": {
            "api": { "IncludeClaimKeys": ["repo", "context", "job_workflow_ref"] },
            "web-*": { "Source": "Organization", "UseImmutableSubject": false },
            "legacy": {},
            "*": { "UseImmutableSubject": true }
        }
    }"#);
    assert_eq!(d.owner, "octo-org");
    assert_eq!(d.schema.as_deref(), Some("./GitHubOidc.DesiredState.schema.json"));
    assert_eq!(d.repositories.0.len(), 4);
    assert_eq!(d.repositories.0[1].1.source, Some(TemplateSource::Organization));
    assert_eq!(d.repositories.get("LEGACY"), Some(&RepositorySettings::default()));
}

#[test]
fn unknown_fields_are_named_by_path_at_every_depth() {
    let e = error(r#"{"Owner":"o","Colour":1}"#);
    assert!(e.contains("unknown field `Colour`"), "{e}");
    let e = error(r#"{"Owner":"o","Organization":{"IncludeClaimKey":["repo"]}}"#);
    assert!(e.contains("`Organization.IncludeClaimKey`"), "{e}");
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"Sourc":"Default"}}}"#);
    assert!(
        e.contains("`Repositories.api.Sourc`") && e.contains("`Source`"),
        "{e}"
    );
    // GitHub's snake_case names are not the file's names.
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"include_claim_keys":["repo"]}}}"#);
    assert!(
        e.contains("`Repositories.api.include_claim_keys`") && e.contains("`IncludeClaimKeys`"),
        "{e}"
    );
}

#[test]
fn wrong_types_and_values_are_named_by_path() {
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"IncludeClaimKeys":"repo"}}}"#);
    assert!(
        e.contains("`Repositories.api.IncludeClaimKeys`") && e.contains("sequence"),
        "{e}"
    );
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"IncludeClaimKeys":["repo", 3]}}}"#);
    assert!(e.contains("`Repositories.api.IncludeClaimKeys[1]`"), "{e}");
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"Source":"default"}}}"#);
    assert!(
        e.contains("`Repositories.api.Source`") && e.contains("`Default`"),
        "{e}"
    );
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"UseImmutableSubject":"yes"}}}"#);
    assert!(e.contains("`Repositories.api.UseImmutableSubject`"), "{e}");
    let e = error(r#"{"Repositories":{}}"#);
    assert!(e.contains("missing field `Owner`"), "{e}");
}

#[test]
fn bad_json_is_reported_with_its_position() {
    let e = error("{\"Owner\": \"o\",\n \"Repositories\": { \"api\": } }");
    assert!(e.contains("not valid JSON") && e.contains("line 2"), "{e}");
    let e = error(r#"{"Owner":"o"} trailing"#);
    assert!(e.contains("not valid JSON"), "{e}");
    // A byte-order mark (Windows editors) is not an error.
    assert_eq!(doc("\u{feff}{\"Owner\":\"o\"}").owner, "o");
}

#[test]
fn claim_keys_are_checked_offline_and_the_entry_is_named() {
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"IncludeClaimKeys":["repo","job_workflow_rev"]}}}"#);
    assert!(e.contains("`Repositories.api.IncludeClaimKeys`"), "{e}");
    assert!(
        e.contains("'job_workflow_rev'") && e.contains("job_workflow_ref"),
        "{e}"
    );
    assert!(!e.contains("AllowUnknownClaimKey"), "{e}");
    let e = error(r#"{"Owner":"o","Organization":{"IncludeClaimKeys":["repo","repo"]}}"#);
    assert!(
        e.contains("`Organization.IncludeClaimKeys`") && e.contains("more than once"),
        "{e}"
    );
    let e = error(r#"{"Owner":"o","Organization":{"IncludeClaimKeys":[]}}"#);
    assert!(
        e.contains("`Organization.IncludeClaimKeys`") && e.contains("empty"),
        "{e}"
    );
    let e = error(r#"{"Owner":"o","Organization":{"IncludeClaimKeys":["re po"]}}"#);
    assert!(e.contains("letters, digits and underscores"), "{e}");
    // Custom-property claims and the template pseudo-keys are known.
    doc(r#"{"Owner":"o","Organization":{"IncludeClaimKeys":["repo","context","repo_property_team"]}}"#);
}

#[test]
fn contradicting_and_duplicate_entries_are_refused() {
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"Source":"Repository"}}}"#);
    assert!(
        e.contains("`Repositories.api`") && e.contains("needs IncludeClaimKeys"),
        "{e}"
    );
    let e = error(r#"{"Owner":"o","Repositories":{"api":{"Source":"Default","IncludeClaimKeys":["repo"]}}}"#);
    assert!(
        e.contains("`Repositories.api`") && e.contains("contradicts Source 'Default'"),
        "{e}"
    );
    let e = error(r#"{"Owner":"o","Repositories":{"api":{},"API":{}}}"#);
    assert!(e.contains("'API' is given twice") && e.contains("'api'"), "{e}");
    let e = error(r#"{"Owner":"o","Repositories":{"a/b":{}}}"#);
    assert!(e.contains("`Repositories.a/b`"), "{e}");
    let e = error(r#"{"Owner":"o","Repositories":{"a[b]*":{}}}"#);
    assert!(e.contains("`Repositories.a[b]*`") && e.contains("'['"), "{e}");
    let e = error(r#"{"Owner":"o/x"}"#);
    assert!(e.contains("`Owner`"), "{e}");
}

#[test]
fn a_value_parses_like_text() {
    // A .psd1 reaches Rust as a JSON value (the facade serialises the hashtable).
    let v = json!({"Owner":"o","Repositories":{"api":{"IncludeClaimKeys":["repo","context"]}}});
    let d = parse_value(v).unwrap();
    assert_eq!(
        d.repositories.0[0].1.include_claim_keys,
        Some(keys(&["repo", "context"]))
    );
    let e = parse_value(json!({"Owner":"o","Repositories":{"api":{"Nope":true}}}))
        .unwrap_err()
        .to_string();
    assert!(e.contains("`Repositories.api.Nope`"), "{e}");
}

#[test]
fn the_most_specific_entry_wins_property_by_property() {
    let d = doc(r#"{"Owner":"o","Repositories":{
        "*": {"Source":"Default", "UseImmutableSubject": true},
        "web-*": {"Source":"Organization"},
        "web-api-*": {"UseImmutableSubject": false},
        "web-api-v1": {"IncludeClaimKeys": ["repo"]},
        "w?b": {"UseImmutableSubject": false}
    }}"#);
    let by = |r: &str| {
        let x = resolve(&d, r).unwrap();
        (
            x.template.map(|(n, _)| n.to_string()),
            x.use_immutable_subject.map(|(n, f)| (n.to_string(), f)),
        )
    };
    let both = |t: &str, f: &str, v: bool| (Some(t.to_string()), Some((f.to_string(), v)));
    assert_eq!(
        by("WEB-API-V1"),
        both("web-api-v1", "web-api-*", false),
        "exact beats wildcards, case-insensitively"
    );
    assert_eq!(
        by("web-api-v2"),
        both("web-*", "web-api-*", false),
        "more literal characters win"
    );
    assert_eq!(
        by("web-ui"),
        both("web-*", "*", true),
        "the flag comes from `*` when no closer entry sets it"
    );
    assert_eq!(by("wab"), both("*", "w?b", false), "`?` is one character");
    assert_eq!(by("waab"), both("*", "*", true), "`*` takes the rest");
    let none = doc(r#"{"Owner":"o","Repositories":{"web-*":{}}}"#);
    assert_eq!(resolve(&none, "api").unwrap(), Resolved::default());
    assert_eq!(
        resolve(&none, "web-a").unwrap(),
        Resolved::default(),
        "an empty entry sets nothing"
    );
}

#[test]
fn equally_specific_wildcards_are_a_tie() {
    // `api-*` has four literal characters, `*-v1` three: decided.
    let d = doc(
        r#"{"Owner":"o","Repositories":{"api-*":{"Source":"Default"},"*-v1":{"Source":"Organization"},"*":{}}}"#,
    );
    assert_eq!(resolve(&d, "api-v1").unwrap().template.unwrap().0, "api-*");
    let d = doc(
        r#"{"Owner":"octo-org","Repositories":{"ap*":{"Source":"Default"},"*v1":{"Source":"Organization"},"*":{}}}"#,
    );
    let e = resolve(&d, "apv1").unwrap_err().to_string();
    assert!(
        e.contains("`Repositories.ap*`") && e.contains("`Repositories.*v1`") && e.contains("'apv1'"),
        "{e}"
    );
    assert!(e.contains("Source or IncludeClaimKeys"), "{e}");
    // No tie when only one of them matches, or when they set different properties.
    assert_eq!(resolve(&d, "apx").unwrap().template.unwrap().0, "ap*");
    let apart = doc(
        r#"{"Owner":"o","Repositories":{"ap*":{"Source":"Default"},"*v1":{"UseImmutableSubject":true}}}"#,
    );
    let r = resolve(&apart, "apv1").unwrap();
    assert_eq!(
        (r.template.unwrap().0, r.use_immutable_subject),
        ("ap*", Some(("*v1", true)))
    );
    let inv = inventory(vec![repo("apv1", true, None, Some(false))]);
    let e = compare(&d, &inv, false).unwrap_err().to_string();
    assert!(e.contains("ambiguous"), "{e}");
}

#[test]
fn export_writes_the_org_and_every_repository_off_the_default() {
    let mut archived = repo("old", false, None, Some(false));
    archived.archived = true;
    let inv = inventory(vec![
        repo("plain", true, None, Some(false)),
        repo("follows", false, None, Some(false)),
        repo("own", false, Some(&["repo", "job_workflow_ref"]), None),
        repo("Immutable", true, None, Some(true)),
        archived,
    ]);
    let d = export(&inv, false);
    assert_eq!(d.schema.as_deref(), Some(SCHEMA_URL));
    let text = serde_json::to_value(&d).unwrap();
    assert_eq!(
        text,
        json!({
            "$schema": SCHEMA_URL,
            "Owner": "octo-org",
            "Organization": {"IncludeClaimKeys": ["repo","context","job_workflow_ref"], "UseImmutableSubject": false},
            "Repositories": {
                "follows": {"Source": "Organization"},
                "Immutable": {"Source": "Default", "UseImmutableSubject": true},
                "own": {"Source": "Repository", "IncludeClaimKeys": ["repo","job_workflow_ref"]}
            }
        })
    );
    assert!(export(&inv, true).repositories.get("old").is_some());
    // What Export writes, Parse reads back unchanged.
    assert_eq!(parse_text(&serde_json::to_string(&d).unwrap()).unwrap(), d);
    assert_eq!(compare(&d, &inv, false).unwrap(), Plan::default());
    assert_eq!(compare(&export(&inv, true), &inv, true).unwrap(), Plan::default());
}

#[test]
fn export_of_an_organization_that_never_customised() {
    let mut inv = inventory(vec![repo("a", false, None, None)]);
    inv.organization = Template {
        owner: "octo-org".into(),
        include_claim_keys: Some(keys(&["repo", "context"])),
        customized: false,
        ..Default::default()
    };
    // Opted in to an organization template that is GitHub's default: the inventory may call it
    // Default, but what GitHub stores (use_default false) is what the file keeps.
    inv.states[0].source = TemplateSource::Default;
    let d = export(&inv, false);
    assert_eq!(
        d.repositories.get("a").unwrap().source,
        Some(TemplateSource::Organization)
    );
    assert_eq!(d.organization.as_ref().unwrap().use_immutable_subject, None);
    assert_eq!(compare(&d, &inv, false).unwrap(), Plan::default());
}

#[test]
fn compare_reports_exactly_the_edits_with_full_put_bodies() {
    let inv = inventory(vec![
        repo("api", false, Some(&["repo", "context", "actor"]), Some(false)),
        repo("web", false, None, Some(false)),
        repo("docs", true, None, Some(false)),
        repo("legacy", true, None, Some(false)),
        repo("keep", false, Some(&["repo", "ref"]), Some(true)),
    ]);
    let d = doc(r#"{"Owner":"OCTO-ORG",
        "Organization": {"UseImmutableSubject": true},
        "Repositories": {
            "api": {"UseImmutableSubject": true},
            "web": {"Source": "Default"},
            "docs": {"IncludeClaimKeys": ["repo", "environment"]},
            "legacy": {"UseImmutableSubject": false},
            "keep": {"Source": "Repository", "IncludeClaimKeys": ["repo", "ref"], "UseImmutableSubject": true},
            "l*": {"UseImmutableSubject": true}
        }}"#);
    let plan = compare(&d, &inv, false).unwrap();
    let rows: Vec<(Option<&str>, &str, Value, Value, &str)> = plan
        .differences
        .iter()
        .map(|x| {
            (
                x.repository.as_deref(),
                x.property.as_str(),
                x.current.clone(),
                x.desired.clone(),
                x.action.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (None, "UseImmutableSubject", json!(false), json!(true), "OptIn"),
            (
                Some("api"),
                "UseImmutableSubject",
                json!(false),
                json!(true),
                "OptIn"
            ),
            (
                Some("web"),
                "Source",
                json!("Organization"),
                json!("Default"),
                "Reset"
            ),
            (
                Some("docs"),
                "Source",
                json!("Default"),
                json!("Repository"),
                "Update"
            ),
            (
                Some("docs"),
                "IncludeClaimKeys",
                json!(["repo", "context"]),
                json!(["repo", "environment"]),
                "Update"
            ),
        ]
    );
    assert_eq!(plan.differences[1].entry, "Repositories.api");
    let bodies: Vec<(Option<&str>, Value)> = plan
        .writes
        .iter()
        .map(|w| (w.repository.as_deref(), w.body.clone()))
        .collect();
    assert_eq!(
        bodies,
        vec![
            // The org PUT keeps the keys the file does not mention.
            (
                None,
                json!({"include_claim_keys": ["repo","context","job_workflow_ref"], "use_immutable_subject": true})
            ),
            // Only the flag changes: the repository keeps its own keys.
            (
                Some("api"),
                json!({"use_default": false, "include_claim_keys": ["repo","context","actor"], "use_immutable_subject": true})
            ),
            // Back to the default: no keys; the flag equals the organization's (it may be
            // inherited), so it is left out and the repository keeps following the organization.
            (Some("web"), json!({"use_default": true})),
            (
                Some("docs"),
                json!({"use_default": false, "include_claim_keys": ["repo","environment"]})
            ),
        ]
    );
    let api = &plan.writes[1];
    assert_eq!(
        (
            api.use_default,
            api.include_claim_keys.clone(),
            api.use_immutable_subject,
            api.properties.clone()
        ),
        (
            Some(false),
            Some(keys(&["repo", "context", "actor"])),
            Some(true),
            vec!["UseImmutableSubject".to_string()]
        )
    );
    assert_eq!(plan.writes[0].use_default, None);
    assert!(plan.warnings.is_empty());
}

#[test]
fn a_repository_following_the_org_keeps_following_it() {
    let inv = inventory(vec![repo("web", false, None, Some(false))]);
    let d = doc(r#"{"Owner":"octo-org","Repositories":{"*":{"UseImmutableSubject":true}}}"#);
    let plan = compare(&d, &inv, false).unwrap();
    assert_eq!(
        plan.writes[0].body,
        json!({"use_default": false, "use_immutable_subject": true})
    );
    assert_eq!(plan.writes[0].include_claim_keys, None);
}

#[test]
fn a_flag_of_its_own_is_kept_and_an_inherited_one_is_not_pinned() {
    // The organization's flag is false: a repository reporting true set it itself.
    let inv = inventory(vec![
        repo("own", true, None, Some(true)),
        repo("inherits", true, None, Some(false)),
    ]);
    let d = doc(r#"{"Owner":"octo-org","Repositories":{"*":{"Source":"Organization"}}}"#);
    let plan = compare(&d, &inv, false).unwrap();
    assert_eq!(
        plan.writes[0].body,
        json!({"use_default": false, "use_immutable_subject": true})
    );
    assert_eq!(plan.writes[1].body, json!({"use_default": false}));
    // Export writes only the flag that is the repository's own.
    let e = export(&inv, false);
    assert_eq!(
        e.repositories.get("own").unwrap().use_immutable_subject,
        Some(true)
    );
    assert!(e.repositories.get("inherits").is_none());
}

#[test]
fn a_flag_github_does_not_report_is_left_out_of_the_body() {
    let inv = inventory(vec![repo("web", false, None, None)]);
    let d = doc(r#"{"Owner":"octo-org","Repositories":{"web":{"Source":"Default"}}}"#);
    let plan = compare(&d, &inv, false).unwrap();
    assert_eq!(plan.writes[0].body, json!({"use_default": true}));
}

#[test]
fn named_repositories_must_exist() {
    let mut inv = inventory(vec![repo("api", true, None, Some(false))]);
    let d = doc(
        r#"{"Owner":"octo-org","Repositories":{"api":{"Source":"Organization"},"ghost":{"Source":"Default"}}}"#,
    );
    let e = compare(&d, &inv, false).unwrap_err().to_string();
    assert!(
        e.contains("'ghost'") && e.contains("`Repositories.ghost`") && e.contains("Nothing was sent"),
        "{e}"
    );
    // A repository whose read failed exists: it is not compared, and its failure is reported
    // by the inventory.
    inv.failures.push(RepositoryFailure {
        owner: "octo-org".into(),
        repository: "ghost".into(),
        error: Error::invalid("boom").to_object(),
    });
    let plan = compare(&d, &inv, false).unwrap();
    assert_eq!(plan.writes.len(), 1);
    assert_eq!(plan.writes[0].repository.as_deref(), Some("api"));
}

#[test]
fn archived_repositories_are_left_out_unless_asked_for() {
    let mut old = repo("old", true, None, Some(false));
    old.archived = true;
    let inv = inventory(vec![old, repo("new", true, None, Some(false))]);
    let d = doc(r#"{"Owner":"octo-org","Repositories":{"*":{"UseImmutableSubject":true}}}"#);
    let plan = compare(&d, &inv, false).unwrap();
    assert_eq!(
        plan.writes
            .iter()
            .map(|w| w.repository.clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["new"]
    );
    let plan = compare(&d, &inv, true).unwrap();
    assert_eq!(plan.writes.len(), 2);
    let named = doc(r#"{"Owner":"octo-org","Repositories":{"old":{"UseImmutableSubject":true}}}"#);
    let plan = compare(&named, &inv, false).unwrap();
    assert!(plan.writes.is_empty());
    assert!(plan.warnings[0].contains("`Repositories.old`") && plan.warnings[0].contains("archived"));
}

#[test]
fn another_owner_is_refused() {
    let inv = inventory(vec![]);
    let e = compare(&doc(r#"{"Owner":"other"}"#), &inv, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("'other'") && e.contains("'octo-org'"), "{e}");
}

#[test]
fn the_schema_describes_the_file() {
    let s = json_schema();
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(s["required"], json!(["Owner"]));
    for name in ["$schema", "Owner", "Organization", "Repositories"] {
        assert!(s["properties"].get(name).is_some(), "{name}: {s}");
    }
    let defs = s["$defs"].as_object().expect("definitions");
    for def in ["OrganizationSettings", "RepositorySettings"] {
        assert_eq!(defs[def]["additionalProperties"], false, "{def}");
    }
    assert!(defs["RepositorySettings"]["properties"]
        .get("UseImmutableSubject")
        .is_some());
    assert_eq!(
        defs["TemplateSource"]["enum"],
        json!(["Default", "Organization", "Repository"])
    );
    let items = &defs["RepositorySettings"]["properties"]["IncludeClaimKeys"]["items"];
    let known = items["anyOf"][0]["enum"].as_array().unwrap();
    for key in ["repo", "context", "job_workflow_ref", "repository_owner_id"] {
        assert!(known.contains(&json!(key)), "{key}");
    }
    assert_eq!(
        defs["RepositoryEntries"]["additionalProperties"]["$ref"],
        "#/$defs/RepositorySettings"
    );
}

#[test]
fn the_psd1_form_holds_the_same_document() {
    let inv = inventory(vec![
        repo("own", false, Some(&["repo", "job_workflow_ref"]), Some(true)),
        repo("it's", false, None, None),
    ]);
    let text = to_psd1(&export(&inv, false));
    assert!(text.starts_with("@{\n    Owner = 'octo-org'\n"), "{text}");
    assert!(text.contains("'own' = @{ Source = 'Repository'; IncludeClaimKeys = @('repo', 'job_workflow_ref'); UseImmutableSubject = $true }"), "{text}");
    assert!(text.contains("'it''s' = @{ Source = 'Organization' }"), "{text}");
    assert!(!text.contains("$schema"));
    assert!(to_json(&export(&inv, false)).unwrap().ends_with("}\n"));
}

/// Inventories of up to 40 repositories with every combination of source, keys, flags and
/// archived, and an organization that did or did not customise its template.
fn any_inventory() -> impl Strategy<Value = (Inventory, bool)> {
    let key = prop::sample::select(vec![
        "repo",
        "context",
        "actor",
        "ref",
        "environment",
        "job_workflow_ref",
    ]);
    let template = prop::collection::vec(key, 1..4).prop_map(|mut k| {
        k.dedup();
        let mut seen = Vec::new();
        k.retain(|x| {
            let new = !seen.contains(x);
            seen.push(*x);
            new
        });
        k
    });
    let flag = prop::option::of(any::<bool>());
    let state = (0u8..3, template.clone(), flag.clone(), any::<bool>());
    (
        prop::collection::vec(state, 0..40),
        prop::option::of(template),
        flag,
        any::<bool>(),
    )
        .prop_map(|(states, org_keys, org_flag, include_archived)| {
            let states = states
                .into_iter()
                .enumerate()
                .map(|(i, (kind, own, flag, archived))| {
                    let mut s = match kind {
                        0 => repo(&format!("r{i}"), true, None, flag),
                        1 => repo(&format!("r{i}"), false, None, flag),
                        _ => repo(&format!("r{i}"), false, Some(&own), flag),
                    };
                    s.archived = archived;
                    s
                })
                .collect();
            let mut inv = inventory(states);
            inv.organization.customized = org_keys.is_some();
            inv.organization.include_claim_keys =
                Some(keys(&org_keys.unwrap_or_else(|| vec!["repo", "context"])));
            inv.organization.use_immutable_subject = org_flag;
            (inv, include_archived)
        })
}

proptest! {
    #[test]
    fn export_then_compare_finds_nothing((inv, include_archived) in any_inventory()) {
        let d = export(&inv, include_archived);
        prop_assert_eq!(compare(&d, &inv, include_archived).unwrap(), Plan::default());
        // And through the file: text and back.
        let again = parse_text(&serde_json::to_string_pretty(&d).unwrap()).unwrap();
        prop_assert_eq!(compare(&again, &inv, include_archived).unwrap(), Plan::default());
    }

    #[test]
    fn compare_after_applying_its_writes_finds_nothing(
        (inv, include_archived) in any_inventory(),
        desired_flag in any::<bool>(),
        desired_kind in 0u8..3,
    ) {
        // "*" sets every repository; applying the writes to the inventory (as GitHub would)
        // leaves nothing to do: Sync converges in one run.
        let source = ["Default", "Organization", "Repository"][desired_kind as usize];
        let keys_json = if desired_kind == 2 { r#","IncludeClaimKeys":["repo","actor"]"# } else { "" };
        let d = doc(&format!(
            r#"{{"Owner":"octo-org","Repositories":{{"*":{{"Source":"{source}","UseImmutableSubject":{desired_flag}{keys_json}}}}}}}"#
        ));
        let plan = compare(&d, &inv, include_archived).unwrap();
        let mut after = inv.clone();
        for w in &plan.writes {
            let s = after.states.iter_mut().find(|s| Some(&s.repository) == w.repository.as_ref()).unwrap();
            let body = &w.body;
            let use_default = body["use_default"].as_bool().unwrap();
            s.use_default = Some(use_default);
            s.own_claim_keys = body.get("include_claim_keys").map(|k| serde_json::from_value(k.clone()).unwrap());
            s.source = match (use_default, &s.own_claim_keys) {
                (true, _) => TemplateSource::Default,
                (false, Some(_)) => TemplateSource::Repository,
                (false, None) => TemplateSource::Organization,
            };
            if let Some(k) = &s.own_claim_keys { s.include_claim_keys = k.clone(); }
            if let Some(f) = body.get("use_immutable_subject").and_then(Value::as_bool) {
                s.use_immutable_subject = Some(f);
            }
        }
        prop_assert_eq!(compare(&d, &after, include_archived).unwrap(), Plan::default());
    }
}
