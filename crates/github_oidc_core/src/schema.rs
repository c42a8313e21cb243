//! One spelling for the types that cross the C ABI: [`contract_struct!`] declares a struct with
//! its serde derives **and** its JSON Schema (a [`schemars::JsonSchema`] impl) from the same
//! field list, so `bindings/schema.json` and the generated C# cannot drift from the Rust type.
//!
//! It stands in for `#[derive(schemars::JsonSchema)]`: the offline registry these machines
//! build from has `schemars` but not `schemars_derive`. The schema it writes follows serde:
//! the JSON name is the field name (a raw identifier such as `r#ref` is `ref`), a field is
//! required unless it is an `Option` or has `#[serde(default)]`, `///` docs become
//! `description`, and a struct with `#[serde(deny_unknown_fields)]` gets
//! `"additionalProperties": false`.
//!
//! Two renames are honoured: a field's `#[serde(rename = "…")]` and a struct's
//! `#[serde(rename_all = "PascalCase")]` (the user-facing desired-state document); any other
//! `rename_all` is refused at schema time.
//!
//! Field attributes must be written docs first, then `#[serde(...)]`.

/// Declares a contract struct and its JSON Schema. See the module docs.
#[macro_export]
macro_rules! contract_struct {
    (
        $(#[doc = $doc:literal])*
        #[derive($($derive:path),* $(,)?)]
        $(#[serde($($sattr:tt)*)])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $(#[serde($($fattr:tt)*)])*
                $fvis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive($($derive),*)]
        $(#[serde($($sattr)*)])*
        $vis struct $name {
            $(
                $(#[doc = $fdoc])*
                $(#[serde($($fattr)*)])*
                $fvis $field: $ty,
            )*
        }

        impl $crate::schema::__private::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(
                generator: &mut $crate::schema::__private::SchemaGenerator,
            ) -> $crate::schema::__private::Schema {
                let mut properties = $crate::schema::__private::Map::new();
                let mut required: ::std::vec::Vec<$crate::schema::__private::Value> = ::std::vec::Vec::new();
                let struct_attrs = stringify!($($($sattr)*)*);
                $(
                    {
                        let attrs = stringify!($($($fattr)*)*);
                        let name = $crate::schema::field_json_name(stringify!($field), attrs, struct_attrs);
                        let docs: &[&str] = &[$($fdoc),*];
                        let optional = <$ty as $crate::schema::__private::JsonSchema>::_schemars_private_is_option()
                            || $crate::schema::has_serde_default(attrs);
                        if !optional {
                            required.push($crate::schema::__private::Value::String(name.clone()));
                        }
                        let schema = generator.subschema_for::<$ty>();
                        properties.insert(name, $crate::schema::describe(schema, docs));
                    }
                )*
                let docs: &[&str] = &[$($doc),*];
                $crate::schema::object_schema(stringify!($name), docs, struct_attrs, properties, required)
            }
        }
    };
}

/// What the macro needs from elsewhere, so callers need no `schemars`/`serde_json` imports.
#[doc(hidden)]
pub mod __private {
    pub use schemars::{JsonSchema, Schema, SchemaGenerator};
    pub use serde_json::{Map, Value};
}

use serde_json::{Map, Value};

/// The JSON name of a Rust field: the identifier without a raw-identifier prefix.
#[doc(hidden)]
pub fn json_name(field: &str) -> String {
    field.trim_start_matches("r#").to_string()
}

/// The quoted value of `key = "…"` in stringified serde attributes (`rename` does not match
/// `rename_all`).
fn attr_value<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(at) = rest.find(key) {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = &rest[at + key.len()..];
        let trimmed = after.trim_start();
        if before_ok {
            if let Some(value) = trimmed.strip_prefix('=') {
                let value = value.trim_start();
                if let Some(quoted) = value.strip_prefix('"') {
                    return quoted.find('"').map(|end| &quoted[..end]);
                }
            }
        }
        rest = after;
    }
    None
}

/// The JSON name of a field, after `rename` on the field or `rename_all` on the struct.
#[doc(hidden)]
pub fn field_json_name(field: &str, field_attrs: &str, struct_attrs: &str) -> String {
    if let Some(name) = attr_value(field_attrs, "rename") {
        return name.to_string();
    }
    let name = json_name(field);
    match attr_value(struct_attrs, "rename_all") {
        None => name,
        Some("PascalCase") => pascal_case(&name),
        Some(other) => panic!("contract_struct!: rename_all = \"{other}\" is not supported"),
    }
}

/// `include_claim_keys` → `IncludeClaimKeys`, as serde's `PascalCase`.
fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|f| f.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Whether a field's serde attributes give it a default (so it may be absent).
#[doc(hidden)]
pub fn has_serde_default(attrs: &str) -> bool {
    attrs
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| w == "default")
}

/// Joins `///` lines into one description.
fn description(docs: &[&str]) -> Option<String> {
    let text = docs.iter().map(|d| d.trim()).collect::<Vec<_>>().join(" ");
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// A field's schema with its description (a `$ref` is wrapped so the description survives).
#[doc(hidden)]
pub fn describe(schema: schemars::Schema, docs: &[&str]) -> Value {
    let mut value = schema.to_value();
    if let Some(text) = description(docs) {
        if let Value::Object(map) = &mut value {
            map.insert("description".into(), Value::String(text));
        }
    }
    value
}

/// The schema of a struct: an object with these properties.
#[doc(hidden)]
pub fn object_schema(
    name: &str,
    docs: &[&str],
    struct_attrs: &str,
    properties: Map<String, Value>,
    required: Vec<Value>,
) -> schemars::Schema {
    let mut map = Map::new();
    map.insert("type".into(), Value::String("object".into()));
    map.insert("title".into(), Value::String(name.into()));
    if let Some(text) = description(docs) {
        map.insert("description".into(), Value::String(text));
    }
    map.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        map.insert("required".into(), Value::Array(required));
    }
    if struct_attrs.contains("deny_unknown_fields") {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    schemars::Schema::from(map)
}

#[cfg(test)]
mod tests {
    use schemars::SchemaGenerator;
    use serde::Deserialize;

    crate::contract_struct! {
        /// A sample.
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Sample {
            /// Needed.
            pub name: String,
            /// May be absent.
            #[serde(default)]
            pub count: u32,
            /// Optional by type.
            pub note: Option<String>,
            /// A keyword as a name.
            #[serde(default)]
            pub r#ref: Option<String>,
        }
    }

    #[test]
    fn the_schema_follows_serde() {
        let mut g = SchemaGenerator::default();
        let s = g.root_schema_for::<Sample>().to_value();
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["required"], serde_json::json!(["name"]));
        assert_eq!(s["properties"]["name"]["description"], "Needed.");
        assert!(s["properties"].get("ref").is_some(), "{s}");
        assert_eq!(s["description"], "A sample.");
        // serde agrees: `ref` is the JSON name, unknown fields are refused.
        let v: Sample = serde_json::from_str(r#"{"name":"n","ref":"r"}"#).unwrap();
        assert_eq!(v.r#ref.as_deref(), Some("r"));
        assert_eq!(v.name, "n");
        assert!(serde_json::from_str::<Sample>(r#"{"name":"n","nam":1}"#).is_err());
        assert_eq!((v.name.as_str(), v.count, v.note), ("n", 0, None));
    }

    crate::contract_struct! {
        /// A user-facing sample.
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "PascalCase")]
        pub struct Pascal {
            /// Renamed by the struct.
            pub include_claim_keys: Vec<String>,
            /// Renamed by the field.
            #[serde(rename = "$schema", default)]
            pub schema: Option<String>,
        }
    }

    #[test]
    fn the_schema_follows_serde_renames() {
        let mut g = SchemaGenerator::default();
        let s = g.root_schema_for::<Pascal>().to_value();
        assert!(s["properties"].get("IncludeClaimKeys").is_some(), "{s}");
        assert!(s["properties"].get("$schema").is_some(), "{s}");
        assert_eq!(s["required"], serde_json::json!(["IncludeClaimKeys"]));
        let v: Pascal = serde_json::from_str(r#"{"IncludeClaimKeys":["repo"],"$schema":"x"}"#).unwrap();
        assert_eq!((v.include_claim_keys.len(), v.schema.as_deref()), (1, Some("x")));
        assert!(serde_json::from_str::<Pascal>(r#"{"include_claim_keys":["repo"]}"#).is_err());
        assert_eq!(super::field_json_name("r#ref", "default", ""), "ref");
        assert_eq!(super::field_json_name("a", "rename_all = \"x\"", ""), "a");
    }
}
