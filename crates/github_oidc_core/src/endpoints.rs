//! Every GitHub REST endpoint this crate calls, as data: method, path template, the permission
//! named in 401/403 errors, and the API version when it is not [`crate::http::API_VERSION`].
//!
//! | Endpoint | Method + path | Permission (fine-grained / classic) |
//! | --- | --- | --- |
//! | [`GET_ORG_TEMPLATE`] | `GET /orgs/{org}/actions/oidc/customization/sub` | Administration org (read) / `read:org` |
//! | [`SET_ORG_TEMPLATE`] | `PUT /orgs/{org}/actions/oidc/customization/sub` | Administration org (write) / `write:org` |
//! | [`GET_REPO_TEMPLATE`] | `GET /repos/{owner}/{repo}/actions/oidc/customization/sub` | Actions repo (read) / `repo` |
//! | [`SET_REPO_TEMPLATE`] | `PUT /repos/{owner}/{repo}/actions/oidc/customization/sub` | Actions repo (write) / `repo` |
//! | [`SET_ENTERPRISE_ISSUER`] | `PUT /enterprises/{enterprise}/actions/oidc/customization/issuer` | classic `admin:enterprise` only |
//! | [`LIST_ORG_PROPERTY_INCLUSIONS`] | `GET /orgs/{org}/actions/oidc/customization/properties/repo` | Administration org (read) / `read:org` |
//! | [`ADD_ORG_PROPERTY_INCLUSION`] | `POST /orgs/{org}/actions/oidc/customization/properties/repo` | Administration org (write) / `admin:org` |
//! | [`REMOVE_ORG_PROPERTY_INCLUSION`] | `DELETE /orgs/{org}/…/properties/repo/{custom_property_name}` | Administration org (write) / `admin:org` |
//! | [`LIST_ENTERPRISE_PROPERTY_INCLUSIONS`] | `GET /enterprises/{enterprise}/actions/oidc/customization/properties/repo` | classic `admin:enterprise` |
//! | [`ADD_ENTERPRISE_PROPERTY_INCLUSION`] | `POST /enterprises/{enterprise}/actions/oidc/customization/properties/repo` | classic `admin:enterprise` |
//! | [`REMOVE_ENTERPRISE_PROPERTY_INCLUSION`] | `DELETE /enterprises/{enterprise}/…/properties/repo/{custom_property_name}` | classic `admin:enterprise` |
//! | [`GET_REPOSITORY`] | `GET /repos/{owner}/{repo}` | Metadata repo (read) / `repo` |
//! | [`LIST_ORG_REPOS`] | `GET /orgs/{org}/repos` | Metadata repo (read) / `repo` (public ones: none) |
//! | [`LIST_USER_REPOS`] | `GET /users/{user}/repos` | Metadata repo (read) / `repo` (public ones: none) |
//! | [`LIST_INSTALLATION_REPOS`] | `GET /installation/repositories` | a GitHub App installation token |
//!
//! The property-inclusion endpoints are documented under API version 2026-03-10, which their
//! requests name. Discovery documents and JWKS are not REST endpoints: they are read without a
//! token from the issuer (see [`crate::discovery`]).
//!
//! Path placeholders are filled by [`Endpoint::path`]: every argument is validated as a GitHub
//! name ([`crate::names::segment`]) and percent-encoded as one path segment.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::names::segment;
use reqwest::Method;

/// One REST endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// A short stable name (`set_repo_template`).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path under the API base with `{placeholders}`.
    pub path: &'static str,
    /// What the endpoint needs, as the sentence used in 401/403 errors.
    pub permission: &'static str,
    /// `X-GitHub-Api-Version` when it is not [`crate::http::API_VERSION`].
    pub api_version: Option<&'static str>,
}

const ORG_READ: &str =
    "the fine-grained permission \"Administration\" organization (read) or the classic scope read:org";
const ORG_WRITE: &str =
    "the fine-grained permission \"Administration\" organization (write) or the classic scope write:org";
const ORG_ADMIN: &str =
    "the fine-grained permission \"Administration\" organization (write) or the classic scope admin:org";
const REPO_READ: &str = "the fine-grained permission \"Actions\" repository (read) or the classic scope repo";
const REPO_WRITE: &str =
    "the fine-grained permission \"Actions\" repository (write) or the classic scope repo";
const METADATA_READ: &str =
    "the fine-grained permission \"Metadata\" repository (read) or the classic scope repo";
const ENTERPRISE_ISSUER: &str =
    "a classic token with the admin:enterprise scope (GitHub Apps and fine-grained tokens cannot use this endpoint)";
const ENTERPRISE_ADMIN: &str =
    "a classic token with the admin:enterprise scope (fine-grained tokens are not supported)";

/// The API version that documents the custom-property inclusion endpoints.
pub const PROPERTIES_API_VERSION: &str = "2026-03-10";

/// Reads an organization's `sub` template.
pub const GET_ORG_TEMPLATE: Endpoint = Endpoint {
    name: "get_org_template",
    method: Method::GET,
    path: "/orgs/{org}/actions/oidc/customization/sub",
    permission: ORG_READ,
    api_version: None,
};

/// Writes an organization's `sub` template.
pub const SET_ORG_TEMPLATE: Endpoint = Endpoint {
    name: "set_org_template",
    method: Method::PUT,
    path: "/orgs/{org}/actions/oidc/customization/sub",
    permission: ORG_WRITE,
    api_version: None,
};

/// Reads a repository's `sub` template.
pub const GET_REPO_TEMPLATE: Endpoint = Endpoint {
    name: "get_repo_template",
    method: Method::GET,
    path: "/repos/{owner}/{repo}/actions/oidc/customization/sub",
    permission: REPO_READ,
    api_version: None,
};

/// Writes a repository's `sub` template.
pub const SET_REPO_TEMPLATE: Endpoint = Endpoint {
    name: "set_repo_template",
    method: Method::PUT,
    path: "/repos/{owner}/{repo}/actions/oidc/customization/sub",
    permission: REPO_WRITE,
    api_version: None,
};

/// Sets the enterprise issuer policy (`include_enterprise_slug`); GitHub Enterprise Cloud only.
pub const SET_ENTERPRISE_ISSUER: Endpoint = Endpoint {
    name: "set_enterprise_issuer",
    method: Method::PUT,
    path: "/enterprises/{enterprise}/actions/oidc/customization/issuer",
    permission: ENTERPRISE_ISSUER,
    api_version: None,
};

/// Lists an organization's custom-property inclusions (with those it inherits).
pub const LIST_ORG_PROPERTY_INCLUSIONS: Endpoint = Endpoint {
    name: "list_org_property_inclusions",
    method: Method::GET,
    path: "/orgs/{org}/actions/oidc/customization/properties/repo",
    permission: ORG_READ,
    api_version: Some(PROPERTIES_API_VERSION),
};

/// Adds a custom-property inclusion to an organization.
pub const ADD_ORG_PROPERTY_INCLUSION: Endpoint = Endpoint {
    name: "add_org_property_inclusion",
    method: Method::POST,
    path: "/orgs/{org}/actions/oidc/customization/properties/repo",
    permission: ORG_ADMIN,
    api_version: Some(PROPERTIES_API_VERSION),
};

/// Removes a custom-property inclusion from an organization.
pub const REMOVE_ORG_PROPERTY_INCLUSION: Endpoint = Endpoint {
    name: "remove_org_property_inclusion",
    method: Method::DELETE,
    path: "/orgs/{org}/actions/oidc/customization/properties/repo/{custom_property_name}",
    permission: ORG_ADMIN,
    api_version: Some(PROPERTIES_API_VERSION),
};

/// Lists an enterprise's custom-property inclusions.
pub const LIST_ENTERPRISE_PROPERTY_INCLUSIONS: Endpoint = Endpoint {
    name: "list_enterprise_property_inclusions",
    method: Method::GET,
    path: "/enterprises/{enterprise}/actions/oidc/customization/properties/repo",
    permission: ENTERPRISE_ADMIN,
    api_version: Some(PROPERTIES_API_VERSION),
};

/// Adds a custom-property inclusion to an enterprise.
pub const ADD_ENTERPRISE_PROPERTY_INCLUSION: Endpoint = Endpoint {
    name: "add_enterprise_property_inclusion",
    method: Method::POST,
    path: "/enterprises/{enterprise}/actions/oidc/customization/properties/repo",
    permission: ENTERPRISE_ADMIN,
    api_version: Some(PROPERTIES_API_VERSION),
};

/// Removes a custom-property inclusion from an enterprise.
pub const REMOVE_ENTERPRISE_PROPERTY_INCLUSION: Endpoint = Endpoint {
    name: "remove_enterprise_property_inclusion",
    method: Method::DELETE,
    path: "/enterprises/{enterprise}/actions/oidc/customization/properties/repo/{custom_property_name}",
    permission: ENTERPRISE_ADMIN,
    api_version: Some(PROPERTIES_API_VERSION),
};

/// Reads a repository (names as GitHub spells them, and IDs).
pub const GET_REPOSITORY: Endpoint = Endpoint {
    name: "get_repository",
    method: Method::GET,
    path: "/repos/{owner}/{repo}",
    permission: METADATA_READ,
    api_version: None,
};

const LIST_READ: &str =
    "the fine-grained permission \"Metadata\" repository (read) or the classic scope repo";
const INSTALLATION: &str = "a GitHub App installation access token";

/// Lists an organization's repositories (`?per_page=100`, then `Link: rel="next"`).
pub const LIST_ORG_REPOS: Endpoint = Endpoint {
    name: "list_org_repos",
    method: Method::GET,
    path: "/orgs/{org}/repos",
    permission: LIST_READ,
    api_version: None,
};

/// Lists a user's repositories (the fallback when the owner is not an organization).
pub const LIST_USER_REPOS: Endpoint = Endpoint {
    name: "list_user_repos",
    method: Method::GET,
    path: "/users/{user}/repos",
    permission: LIST_READ,
    api_version: None,
};

/// Lists the repositories a GitHub App installation can access (`{total_count, repositories}`).
pub const LIST_INSTALLATION_REPOS: Endpoint = Endpoint {
    name: "list_installation_repos",
    method: Method::GET,
    path: "/installation/repositories",
    permission: INSTALLATION,
    api_version: None,
};

/// Every endpoint, in the order of the table above.
pub const ALL: &[&Endpoint] = &[
    &GET_ORG_TEMPLATE,
    &SET_ORG_TEMPLATE,
    &GET_REPO_TEMPLATE,
    &SET_REPO_TEMPLATE,
    &SET_ENTERPRISE_ISSUER,
    &LIST_ORG_PROPERTY_INCLUSIONS,
    &ADD_ORG_PROPERTY_INCLUSION,
    &REMOVE_ORG_PROPERTY_INCLUSION,
    &LIST_ENTERPRISE_PROPERTY_INCLUSIONS,
    &ADD_ENTERPRISE_PROPERTY_INCLUSION,
    &REMOVE_ENTERPRISE_PROPERTY_INCLUSION,
    &GET_REPOSITORY,
    &LIST_ORG_REPOS,
    &LIST_USER_REPOS,
    &LIST_INSTALLATION_REPOS,
];

/// The parameter name used in error messages for a placeholder.
fn label(placeholder: &str) -> &'static str {
    match placeholder {
        "org" | "owner" | "user" => "Owner",
        "repo" => "Repository",
        "enterprise" => "Enterprise",
        _ => "Name",
    }
}

impl Endpoint {
    /// The names of the path placeholders, in order.
    pub fn placeholders(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut rest = self.path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            out.push(&rest[open + 1..open + close]);
            rest = &rest[open + close + 1..];
        }
        out
    }

    /// The path with every placeholder replaced, in order, by the matching argument validated
    /// as a GitHub name and percent-encoded as one segment.
    pub fn path(&self, args: &[&str]) -> Result<String> {
        let names = self.placeholders();
        if names.len() != args.len() {
            return Err(Error::Internal(format!(
                "endpoint {} takes {} path arguments, got {}",
                self.name,
                names.len(),
                args.len()
            )));
        }
        let mut path = self.path.to_string();
        for (name, arg) in names.iter().zip(args) {
            let encoded = segment(label(name), arg)?;
            path = path.replacen(&format!("{{{name}}}"), &encoded, 1);
        }
        Ok(path)
    }

    /// The absolute URL of this endpoint on the context's API base.
    pub fn url(&self, ctx: &Context, args: &[&str]) -> Result<String> {
        Ok(ctx.api_url(&self.path(args)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_and_encoded() {
        for ep in ALL {
            let names = ep.placeholders();
            if names.is_empty() {
                assert_eq!(ep.path(&[]).unwrap(), ep.path, "{}", ep.name);
                continue;
            }
            let args: Vec<String> = names.iter().map(|n| format!("a.{n}-1")).collect();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let path = ep.path(&refs).unwrap();
            assert!(!path.contains('{') && !path.contains('}'), "{}: {path}", ep.name);
            for a in &args {
                assert!(path.contains(a.as_str()), "{}: {path}", ep.name);
            }
            // Anything that could change the path is refused, for every placeholder.
            for i in 0..refs.len() {
                for bad in ["../x", "a/b", "%2F", "a b", "a?b"] {
                    let mut r = refs.clone();
                    r[i] = bad;
                    let e = ep.path(&r).unwrap_err();
                    assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{}", ep.name);
                }
            }
            assert_eq!(
                ep.path(&[]).unwrap_err().kind(),
                crate::ErrorKind::Internal,
                "{}",
                ep.name
            );
        }
    }

    #[test]
    fn names_are_unique_and_permissions_named() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(!a.permission.is_empty());
            assert!(a.path.starts_with('/'));
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert!(
                    a.method != b.method || a.path != b.path,
                    "{} = {}",
                    a.name,
                    b.name
                );
            }
        }
    }

    #[test]
    fn placeholders_in_order() {
        assert_eq!(SET_REPO_TEMPLATE.placeholders(), vec!["owner", "repo"]);
        assert_eq!(
            REMOVE_ORG_PROPERTY_INCLUSION
                .path(&["octo-org", "workspace_id"])
                .unwrap(),
            "/orgs/octo-org/actions/oidc/customization/properties/repo/workspace_id"
        );
    }
}
