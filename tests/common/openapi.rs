//! Checks requests and responses against an OpenAPI document — the vendored subset of
//! Discord's (`tests/specs/discord-openapi-subset.json`) for the fake Discord, netral's own
//! (`src/http/openapi.json`) for the HTTP API: the route and method exist, path and query
//! parameters are declared and well-typed, and a JSON body matches the request or response
//! schema — with unknown properties rejected wherever a schema lists its properties.
//!
//! Only the JSON Schema keywords the document uses are implemented; an unknown `pattern`
//! fails loudly rather than passing silently.

use serde_json::Value;

/// Path parameters by name.
type Params = Vec<(String, String)>;

pub struct Spec {
    doc: Value,
    /// The prefix every path of the document is relative to.
    base: &'static str,
}

impl Spec {
    pub fn discord() -> Spec {
        let text = include_str!("../specs/discord-openapi-subset.json");
        Spec::new(
            serde_json::from_str(text).expect("the vendored spec is JSON"),
            "/api/v10",
        )
    }

    /// A document whose paths are relative to `base`.
    pub fn new(doc: Value, base: &'static str) -> Spec {
        Spec { doc, base }
    }

    /// The document itself.
    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// The path template, method and status that a response answers, and every way its body
    /// breaks the document (empty when it conforms).
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> (String, Vec<String>) {
        let route = path.strip_prefix(self.base).unwrap_or(path);
        let route = route.split('?').next().unwrap_or(route);
        let Some((template, _)) = self.route(route) else {
            return (
                String::new(),
                vec![format!("{method} {route}: no such route in the spec")],
            );
        };
        let op = &self.doc["paths"][&template][method.to_ascii_lowercase()];
        let where_ = format!("{method} {template} → {status}");
        if op.is_null() {
            return (template, vec![format!("{where_}: method not in the spec")]);
        }
        let mut response = &op["responses"][status.to_string()];
        if response.is_null() {
            return (template, vec![format!("{where_}: status not documented")]);
        }
        if let Some(r) = response["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap_or_default();
            response = &self.doc["components"]["responses"][name];
        }
        let schema = &response["content"]["application/json"]["schema"];
        let mut errors = Vec::new();
        if schema.is_null() {
            errors.push(format!("{where_}: no JSON schema documented"));
        } else {
            self.validate(schema, body, &where_, &mut errors);
        }
        (template, errors)
    }

    /// Every `(method, path template, status)` the document promises.
    pub fn documented_responses(&self) -> Vec<(String, String, u16)> {
        let mut all = Vec::new();
        for (path, item) in self.doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                for status in op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(s, _)| s)
                {
                    if let Ok(status) = status.parse() {
                        all.push((method.to_ascii_uppercase(), path.clone(), status));
                    }
                }
            }
        }
        all
    }

    /// Every way the request breaks the spec (empty when it conforms).
    pub fn check(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: Option<&Value>,
    ) -> Vec<String> {
        let mut errors = Vec::new();
        let Some(route) = path.strip_prefix(self.base) else {
            return vec![format!("{method} {path}: not under {}", self.base)];
        };
        let Some((template, params)) = self.route(route) else {
            return vec![format!("{method} {route}: no such route in the spec")];
        };
        let item = &self.doc["paths"][&template];
        let method_lc = method.to_ascii_lowercase();
        let op = &item[&method_lc];
        if op.is_null() {
            return vec![format!("{method} {template}: method not in the spec")];
        }
        let declared: Vec<&Value> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(op["parameters"].as_array().into_iter().flatten())
            .collect();
        let where_ = format!("{method} {template}");
        for (name, value) in &params {
            match declared
                .iter()
                .find(|p| p["in"] == "path" && p["name"] == name.as_str())
            {
                Some(p) => self.validate(
                    &p["schema"],
                    &Value::String(value.clone()),
                    &format!("{where_} path {name}"),
                    &mut errors,
                ),
                None => errors.push(format!("{where_}: undeclared path parameter {name}")),
            }
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match declared
                .iter()
                .find(|p| p["in"] == "query" && p["name"] == name)
            {
                Some(p) => {
                    let typed = coerce(&p["schema"], value, &self.doc);
                    self.validate(
                        &p["schema"],
                        &typed,
                        &format!("{where_} query {name}"),
                        &mut errors,
                    )
                }
                None => errors.push(format!("{where_}: unknown query parameter {name}")),
            }
        }
        let request = &op["requestBody"];
        match (request.is_null(), body) {
            (true, Some(b)) if !b.is_null() => {
                errors.push(format!("{where_}: takes no body, got {b}"))
            }
            (false, None) if request["required"] == true => {
                errors.push(format!("{where_}: body required"))
            }
            (false, Some(b)) => {
                let schema = &request["content"]["application/json"]["schema"];
                self.validate(schema, b, &format!("{where_} body"), &mut errors);
            }
            _ => {}
        }
        errors
    }

    /// The path template matching `route` (most literal segments wins) and its parameters.
    fn route(&self, route: &str) -> Option<(String, Params)> {
        let segs: Vec<&str> = route.trim_end_matches('/').split('/').collect();
        let mut best: Option<(usize, String, Params)> = None;
        for template in self.doc["paths"].as_object()?.keys() {
            let tsegs: Vec<&str> = template.split('/').collect();
            if tsegs.len() != segs.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literal = 0;
            let ok = tsegs.iter().zip(&segs).all(|(t, s)| {
                if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    params.push((name.to_string(), s.to_string()));
                    !s.is_empty()
                } else {
                    literal += 1;
                    t == s
                }
            });
            if ok && best.as_ref().is_none_or(|(l, _, _)| literal > *l) {
                best = Some((literal, template.clone(), params));
            }
        }
        best.map(|(_, t, p)| (t, p))
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                &self.doc["components"]["schemas"][name]
            }
            None => schema,
        }
    }

    fn validate(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        if schema.get("$ref").is_some() {
            let target = self.resolve(schema);
            if target.is_null() {
                errors.push(format!("{at}: dangling $ref {}", schema["$ref"]));
                return;
            }
            self.validate(target, value, at, errors);
        }
        if let Some(types) = schema.get("type") {
            let types: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !types.iter().any(|t| type_matches(t, value)) {
                errors.push(format!("{at}: expected {types:?}, got {value}"));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            errors.push(format!("{at}: {value} not one of {options:?}"));
        }
        if let Some(c) = schema.get("const")
            && c != value
        {
            errors.push(format!("{at}: expected {c}, got {value}"));
        }
        for sub in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.validate(sub, value, at, errors);
        }
        for (key, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(subs) = schema.get(key).and_then(Value::as_array) {
                let mut inner = Vec::new();
                let matching = subs
                    .iter()
                    .filter(|s| {
                        let mut e = Vec::new();
                        self.validate(s, value, at, &mut e);
                        let ok = e.is_empty();
                        inner.extend(e);
                        ok
                    })
                    .count();
                if matching == 0 {
                    let mut detail = inner;
                    detail.sort_by_key(String::len);
                    detail.truncate(3);
                    errors.push(format!(
                        "{at}: matches none of {key}: {}",
                        detail.join(" | ")
                    ));
                } else if exactly_one && matching > 1 {
                    errors.push(format!("{at}: matches {matching} schemas of oneOf"));
                }
            }
        }
        match value {
            Value::String(s) => {
                let n = s.chars().count() as u64;
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                    && n > max
                {
                    errors.push(format!("{at}: {n} characters, at most {max} allowed"));
                }
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                    && n < min
                {
                    errors.push(format!("{at}: {n} characters, at least {min} required"));
                }
                if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
                    let ok = match p {
                        "^(0|[1-9][0-9]*)$" => {
                            s == "0"
                                || (!s.is_empty()
                                    && !s.starts_with('0')
                                    && s.bytes().all(|b| b.is_ascii_digit()))
                        }
                        "^[A-Za-z0-9_-]{1,64}$" => {
                            (1..=64).contains(&s.len())
                                && s.bytes()
                                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                        }
                        other => panic!("pattern {other} is not supported by this checker"),
                    };
                    if !ok {
                        errors.push(format!("{at}: {s:?} does not match {p}"));
                    }
                }
            }
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
                    && x > max
                {
                    errors.push(format!("{at}: {n} above {max}"));
                }
                if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
                    && x < min
                {
                    errors.push(format!("{at}: {n} below {min}"));
                }
            }
            Value::Array(items) => {
                let n = items.len() as u64;
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                    && n > max
                {
                    errors.push(format!("{at}: {n} items, at most {max} allowed"));
                }
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                    && n < min
                {
                    errors.push(format!("{at}: {n} items, at least {min} required"));
                }
                if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                    for (i, a) in items.iter().enumerate() {
                        if items[..i].contains(a) {
                            errors.push(format!("{at}: duplicate item {a}"));
                        }
                    }
                }
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.validate(item_schema, item, &format!("{at}[{i}]"), errors);
                    }
                }
            }
            Value::Object(map) => {
                let props = schema.get("properties").and_then(Value::as_object);
                for req in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(k) = req.as_str()
                        && !map.contains_key(k)
                    {
                        errors.push(format!("{at}: missing required property {k}"));
                    }
                }
                if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
                    && map.len() as u64 > max
                {
                    errors.push(format!("{at}: more than {max} properties"));
                }
                let additional = schema.get("additionalProperties");
                for (k, v) in map {
                    let here = format!("{at}.{k}");
                    match props.and_then(|p| p.get(k)) {
                        Some(s) => self.validate(s, v, &here, errors),
                        None => match additional {
                            Some(Value::Bool(true)) => {}
                            Some(s @ Value::Object(_)) => self.validate(s, v, &here, errors),
                            // Strict: a schema that lists its properties allows no others.
                            _ if props.is_some() || additional == Some(&Value::Bool(false)) => {
                                errors.push(format!("{here}: unknown property"))
                            }
                            _ => {}
                        },
                    }
                }
            }
            _ => {}
        }
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|x| x.fract() == 0.0),
        _ => false,
    }
}

/// A query string value as the JSON type its schema expects.
fn coerce(schema: &Value, raw: &str, doc: &Value) -> Value {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()],
        None => schema,
    };
    let is = |t: &str| {
        schema["type"] == t
            || schema["type"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == t))
    };
    if is("boolean") {
        match raw {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    if is("integer")
        && let Ok(n) = raw.parse::<i64>()
    {
        return Value::from(n);
    }
    Value::String(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_checker_rejects_what_discord_would() {
        let spec = Spec::discord();
        let route = "/api/v10/channels/123/messages";
        let ok = json!({"embeds": [{"title": "x"}], "allowed_mentions": {"parse": []}});
        assert_eq!(
            spec.check("POST", route, "", Some(&ok)),
            Vec::<String>::new()
        );
        let unknown = json!({"embedz": []});
        assert!(!spec.check("POST", route, "", Some(&unknown)).is_empty());
        let long_title = json!({"embeds": [{"title": "x".repeat(257)}]});
        assert!(!spec.check("POST", route, "", Some(&long_title)).is_empty());
        let bad_id = json!({});
        assert!(
            !spec
                .check("POST", "/api/v10/channels/abc/messages", "", Some(&bad_id))
                .is_empty()
        );
        assert!(!spec.check("DELETE", route, "", None).is_empty());
        assert!(!spec.check("GET", "/api/v10/nowhere", "", None).is_empty());
    }
}
