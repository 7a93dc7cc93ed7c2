//! Strategies shared by the native property tests (`tests/properties.rs` and
//! `tests/json_differential.rs`). Not a test target of its own: a folder's
//! `mod.rs` is only compiled into the files that declare `mod common;`.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value as Json;

/// Any JSON value, a few levels deep: strings drawn from `text`, object keys
/// from `key` (each file has its own notion of interesting text).
pub fn json_tree<T, K>(text: fn() -> T, key: fn() -> K) -> impl Strategy<Value = Json>
where
    T: Strategy<Value = String> + 'static,
    K: Strategy<Value = String> + 'static,
{
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Json::Number)),
        text().prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 12, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((key(), inner), 0..4)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

/// `default` cases of a property, or `PROPTEST_CASES` when set; failures
/// are not persisted to regression files.
pub fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}
