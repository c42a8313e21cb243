//! The fixed TEST signing key: the PEM and the JWK served by the seed JWKS belong together.

use fake_github::{State, TEST_SIGNING_KEY_JWK, TEST_SIGNING_KEY_KID, TEST_SIGNING_KEY_PEM};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};

#[test]
fn pem_signs_what_the_seed_jwk_verifies() {
    let jwks = State::seed().jwks;
    let jwk_value = &jwks["keys"][0];
    assert_eq!(
        jwk_value,
        &serde_json::from_str::<Value>(TEST_SIGNING_KEY_JWK).unwrap()
    );
    assert_eq!(jwk_value["kid"], TEST_SIGNING_KEY_KID);
    let jwk: Jwk = serde_json::from_value(jwk_value.clone()).unwrap();

    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(TEST_SIGNING_KEY_KID.to_owned());
    let claims =
        json!({"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "aud": "x", "exp": 4_102_444_800u64});
    let key = EncodingKey::from_rsa_pem(TEST_SIGNING_KEY_PEM.as_bytes()).unwrap();
    let token = encode(&header, &claims, &key).unwrap();

    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&["x"]);
    let decoded = decode::<Value>(&token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation).unwrap();
    assert_eq!(decoded.claims["sub"], claims["sub"]);
}
