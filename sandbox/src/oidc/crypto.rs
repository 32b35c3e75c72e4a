//! The little cryptography the provider needs: PKCE S256, ID-token signatures
//! (HS256), password hashes. All of it on `sha2`; HMAC is a dozen lines (RFC 2104), not
//! worth a crate.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The key ID tokens are signed with. Sandbox-only and public: the browser client
/// does not verify the signature, since it received the token straight from the token
/// endpoint over a connection it opened itself (OIDC Core 3.1.3.7, step 6). A client
/// that wants to verify it can use this key; nothing else trusts these tokens.
pub const ID_TOKEN_HS256_KEY: &[u8] = b"sandbox-oidc-id-token-key-valid-nowhere-else";

/// The signing algorithm of ID tokens, for the discovery document and the header.
pub const ID_TOKEN_ALG: &str = "HS256";

pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
pub fn is_valid_code_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// An S256 code challenge is BASE64URL(SHA256(verifier)) without padding: 43 characters.
pub fn is_valid_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// RFC 7636 §4.6: whether `verifier` is well formed and hashes to `challenge`.
pub fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    is_valid_code_verifier(verifier) && base64url(&Sha256::digest(verifier.as_bytes())) == challenge
}

/// HMAC-SHA-256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// A signed JWT (RFC 7519) with these claims: `header.claims.signature`.
pub fn sign_jwt(claims: &serde_json::Value) -> String {
    let header = serde_json::json!({"alg": ID_TOKEN_ALG, "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes())
    );
    let signature = hmac_sha256(ID_TOKEN_HS256_KEY, signing_input.as_bytes());
    format!("{signing_input}.{}", base64url(&signature))
}

/// The claims of a JWT, without checking its signature or times: for
/// `id_token_hint`, which may well have expired (OIDC RP-Initiated Logout §2).
/// `None` unless it has three parts and a JSON object in the middle.
pub fn jwt_claims_unverified(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.split('.');
    let (_header, claims, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    match serde_json::from_slice(&base64url_decode(claims)?).ok()? {
        serde_json::Value::Object(claims) => Some(claims),
        _ => None,
    }
}

/// OIDC Core 3.1.3.6 `at_hash`: the left half of SHA-256 of the access token.
pub fn access_token_hash(access_token: &str) -> String {
    base64url(&Sha256::digest(access_token.as_bytes())[..16])
}

/// A stored password: hex(SHA-256(salt || password)). Salted so that equal passwords
/// do not look alike; a real server would use a slow hash (ZITADEL: bcrypt), which a
/// sandbox with published passwords does not need.
pub fn password_hash(salt: &str, password: &str) -> String {
    Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update(password.as_bytes())
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn pkce_matches_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_valid_s256_challenge(challenge));
        assert!(pkce_s256_matches(verifier, challenge));
        assert!(!pkce_s256_matches(&verifier.replace('d', "e"), challenge));
    }

    #[test]
    fn code_verifiers_are_43_to_128_unreserved_characters() {
        assert!(is_valid_code_verifier(&"a".repeat(43)));
        assert!(is_valid_code_verifier(&"-._~aZ09".repeat(16)));
        assert!(!is_valid_code_verifier(&"a".repeat(42)));
        assert!(!is_valid_code_verifier(&"a".repeat(129)));
        assert!(!is_valid_code_verifier(&format!("{}+", "a".repeat(42))));
        assert!(!is_valid_s256_challenge("plain-challenge"));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn jwts_round_trip_and_carry_an_hs256_signature() {
        let claims = serde_json::json!({"sub": "1", "name": "Zoë"});
        let token = sign_jwt(&claims);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&base64url_decode(parts[0]).expect("base64url")).expect("json");
        assert_eq!(header, serde_json::json!({"alg": "HS256", "typ": "JWT"}));
        let signature = hmac_sha256(
            ID_TOKEN_HS256_KEY,
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
        );
        assert_eq!(parts[2], base64url(&signature));
        let read = jwt_claims_unverified(&token).expect("claims");
        assert_eq!(serde_json::Value::Object(read), claims);
        assert!(jwt_claims_unverified("not-a-jwt").is_none());
        assert!(jwt_claims_unverified("a.b.c").is_none());
        assert!(jwt_claims_unverified(&format!("{token}.extra")).is_none());
    }

    #[test]
    fn password_hashes_depend_on_the_salt() {
        let a = password_hash("salt-a", "secret");
        assert_eq!(a.len(), 64);
        assert_eq!(a, password_hash("salt-a", "secret"));
        assert_ne!(a, password_hash("salt-b", "secret"));
        assert_ne!(a, password_hash("salt-a", "Secret"));
    }
}
