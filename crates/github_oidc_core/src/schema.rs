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
                $(
                    {
                        let name = $crate::schema::json_name(stringify!($field));
                        let docs: &[&str] = &[$($fdoc),*];
                        let attrs = stringify!($($($fattr)*)*);
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
                let attrs = stringify!($($($sattr)*)*);
                $crate::schema::object_schema(stringify!($name), docs, attrs, properties, required)
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
        assert!(serde_json::from_str::<Sample>(r#"{"name":"n","nam":1}"#).is_err());
        assert_eq!((v.name.as_str(), v.count, v.note), ("n", 0, None));
    }
}
