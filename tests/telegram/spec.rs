//! Checks Bot API requests against the vendored spec subset (`tests/specs/`): the method
//! exists, required parameters are present, no unknown parameters, every value of a listed
//! type (objects recursively, union types by any subtype).

use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

pub struct Spec {
    /// Lower-cased method name → method.
    methods: HashMap<String, Value>,
    types: HashMap<String, Value>,
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let raw: Value = serde_json::from_str(include_str!("../specs/telegram-bot-api.json"))
            .expect("vendored spec is JSON");
        let methods = raw["methods"]
            .as_object()
            .expect("methods")
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v.clone()))
            .collect();
        let types = raw["types"]
            .as_object()
            .expect("types")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Spec { methods, types }
    })
}

impl Spec {
    /// The canonical (camelCase) name of a method, matched case-insensitively as Telegram does.
    pub fn method_name(&self, method: &str) -> Option<String> {
        self.methods
            .get(&method.to_lowercase())
            .and_then(|m| m["name"].as_str())
            .map(str::to_string)
    }

    /// The listed types of one parameter of `method`.
    pub fn param_types(&self, method: &str, param: &str) -> Vec<String> {
        self.methods
            .get(&method.to_lowercase())
            .and_then(|m| m["fields"].as_array())
            .and_then(|fs| fs.iter().find(|f| f["name"] == param))
            .and_then(|f| f["types"].as_array())
            .map(|ts| {
                ts.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every way `params` breaks the spec of `method`.
    pub fn check_request(&self, method: &str, params: &Value) -> Vec<String> {
        let Some(m) = self.methods.get(&method.to_lowercase()) else {
            return vec![format!("unknown method {method}")];
        };
        let mut errors = Vec::new();
        self.check_fields(method, m["fields"].as_array(), params, &mut errors);
        errors
    }

    fn check_fields(
        &self,
        at: &str,
        fields: Option<&Vec<Value>>,
        value: &Value,
        errors: &mut Vec<String>,
    ) {
        let empty = Vec::new();
        let fields = fields.unwrap_or(&empty);
        let Some(obj) = value.as_object() else {
            errors.push(format!("{at}: expected an object, got {value}"));
            return;
        };
        for f in fields {
            let name = f["name"].as_str().unwrap_or("");
            if f["required"].as_bool() == Some(true) && !obj.contains_key(name) {
                errors.push(format!("{at}: missing required `{name}`"));
            }
        }
        for (k, v) in obj {
            let Some(f) = fields.iter().find(|f| f["name"] == k.as_str()) else {
                errors.push(format!("{at}: unknown parameter `{k}`"));
                continue;
            };
            let types: Vec<&str> = f["types"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let results: Vec<Vec<String>> = types
                .iter()
                .map(|t| self.check_value(&format!("{at}.{k}"), t, v))
                .collect();
            if results.iter().all(|r| !r.is_empty()) {
                errors.push(format!(
                    "{at}.{k}: {v} is none of {types:?} ({})",
                    results.concat().join("; ")
                ));
            }
            // "Type of the result, must be article": the discriminator must match.
            if let (Some(desc), Some(s)) = (f["description"].as_str(), v.as_str())
                && let Some(rest) = desc.split("must be ").nth(1)
                && types == ["String"]
            {
                let expected: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !expected.is_empty()
                    && expected.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && s != expected
                {
                    errors.push(format!("{at}.{k}: must be {expected}, got {s}"));
                }
            }
        }
    }

    /// Errors of `v` as type `ty` (empty when it matches).
    fn check_value(&self, at: &str, ty: &str, v: &Value) -> Vec<String> {
        if let Some(inner) = ty.strip_prefix("Array of ") {
            return match v.as_array() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .flat_map(|(i, x)| self.check_value(&format!("{at}[{i}]"), inner, x))
                    .collect(),
                None => vec![format!("{at}: expected an array")],
            };
        }
        let ok = match ty {
            "Integer" => v.is_i64() || v.is_u64(),
            "Float" => v.is_number(),
            "String" | "InputFile" => v.is_string(),
            "Boolean" => v.is_boolean(),
            "True" => v == &Value::Bool(true),
            _ => {
                let Some(t) = self.types.get(ty) else {
                    return vec![format!("{at}: type {ty} not in the vendored spec")];
                };
                if let Some(subs) = t["subtypes"].as_array() {
                    let tried: Vec<Vec<String>> = subs
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|s| self.check_value(at, s, v))
                        .collect();
                    return if tried.iter().any(Vec::is_empty) {
                        Vec::new()
                    } else {
                        vec![format!("{at}: matches no subtype of {ty}")]
                    };
                }
                let mut errors = Vec::new();
                self.check_fields(at, t["fields"].as_array(), v, &mut errors);
                return errors;
            }
        };
        if ok {
            Vec::new()
        } else {
            vec![format!("{at}: expected {ty}, got {v}")]
        }
    }

    /// Checks a value the fake sends back (an update) against a spec type.
    pub fn check_type(&self, ty: &str, v: &Value) -> Vec<String> {
        self.check_value(ty, ty, v)
    }
}

#[test]
fn the_checker_catches_what_it_should() {
    let s = spec();
    assert_eq!(s.method_name("SendMessage").as_deref(), Some("sendMessage"));
    assert!(
        s.check_request(
            "sendMessage",
            &serde_json::json!({"chat_id": 1, "text": "x"})
        )
        .is_empty()
    );
    assert!(
        !s.check_request("sendMessage", &serde_json::json!({"text": "x"}))
            .is_empty()
    );
    assert!(
        !s.check_request(
            "sendMessage",
            &serde_json::json!({"chat_id": 1, "text": "x", "colour": 1})
        )
        .is_empty()
    );
    assert!(
        !s.check_request(
            "sendMessage",
            &serde_json::json!({"chat_id": 1.5, "text": "x"})
        )
        .is_empty()
    );
    assert!(
        !s.check_request("sendMesage", &serde_json::json!({}))
            .is_empty()
    );
    let bad_result = serde_json::json!({"inline_query_id": "1", "results": [
        {"type": "article", "id": "a", "title": "t", "input_message_content": {"message_text": "x", "bogus": 1}}]});
    assert!(!s.check_request("answerInlineQuery", &bad_result).is_empty());
    let good_result = serde_json::json!({"inline_query_id": "1", "results": [
        {"type": "article", "id": "a", "title": "t", "input_message_content": {"message_text": "x", "parse_mode": "HTML"}}]});
    assert_eq!(
        s.check_request("answerInlineQuery", &good_result),
        Vec::<String>::new()
    );
    let bad_scope = serde_json::json!({"commands": [], "scope": {"type": "everywhere"}});
    assert!(!s.check_request("setMyCommands", &bad_scope).is_empty());
}
