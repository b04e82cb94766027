//! SigV4 checks against signatures made elsewhere: cases of AWS's Signature Version 4 test
//! suite (`get-vanilla`, `post-vanilla`, `get-vanilla-query-order-key-case`; key `AKIDEXAMPLE`,
//! 2015-08-30T12:36:00Z, us-east-1, service `service`) and requests signed by botocore (the
//! signer of boto3 and the AWS CLI), then every alteration refused.

use auth_return_crypto::sigv4::{
    SigV4Error, SignedRequest, canonical_request, format_amz_date, parse_amz_date,
    parse_authorization, verify,
};

const SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A case: the request line, its headers and body, and the `Authorization` the signer sent.
struct Case {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    headers: Vec<(&'static str, &'static [u8])>,
    body: &'static [u8],
    amz_date: &'static str,
    authorization: String,
}

impl Case {
    fn check(&self) -> Result<(), SigV4Error> {
        let request = SignedRequest {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: &self.headers,
            body: self.body,
        };
        let authorization = parse_authorization(&self.authorization)?;
        verify(&request, &authorization, self.amz_date, SECRET)
    }
}

fn suite(method: &'static str, query: &'static str, signature: &str) -> Case {
    Case {
        method,
        path: "/",
        query,
        headers: vec![
            ("Host", b"example.amazonaws.com"),
            ("X-Amz-Date", b"20150830T123600Z"),
        ],
        body: b"",
        amz_date: "20150830T123600Z",
        authorization: format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}"
        ),
    }
}

/// botocore 1.43's signature of a Cognito `ListUserPools` call (content type and target signed).
fn botocore_list_user_pools() -> Case {
    Case {
        method: "POST",
        path: "/",
        query: "",
        headers: vec![
            ("host", b"cognito-idp.us-east-1.amazonaws.com"),
            ("content-type", b"application/x-amz-json-1.1"),
            ("x-amz-target", b"AWSCognitoIdentityProviderService.ListUserPools"),
            ("x-amz-date", b"20261203T214205Z"),
            ("content-length", b"18"),
        ],
        body: br#"{"MaxResults": 10}"#,
        amz_date: "20261203T214205Z",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=bdf6fc8a6daafd9d967abe0fca9805fd2ad7d3eb636e87349217c40258a4301b".into(),
    }
}

#[test]
fn the_test_suites_signatures_verify() {
    suite(
        "GET",
        "",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    )
    .check()
    .unwrap();
    suite(
        "POST",
        "",
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    )
    .check()
    .unwrap();
    suite(
        "GET",
        "Param2=value2&Param1=value1",
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    )
    .check()
    .unwrap();
}

#[test]
fn the_canonical_request_is_the_test_suites() {
    let case = suite("GET", "", "00");
    let request = SignedRequest {
        method: case.method,
        path: case.path,
        query: case.query,
        headers: &case.headers,
        body: case.body,
    };
    let canonical = canonical_request(&request, &["host".into(), "x-amz-date".into()]).unwrap();
    assert_eq!(
        canonical,
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn botocores_signature_verifies_and_no_alteration_does() {
    botocore_list_user_pools().check().unwrap();

    let mismatch = Err(SigV4Error::Mismatch);
    let mut body = botocore_list_user_pools();
    body.body = br#"{"MaxResults": 60}"#;
    assert_eq!(body.check(), mismatch, "a tampered body");

    let mut target = botocore_list_user_pools();
    target.headers[2] = (
        "x-amz-target",
        b"AWSCognitoIdentityProviderService.DeleteUserPool",
    );
    assert_eq!(target.check(), mismatch, "a tampered signed header");

    let mut host = botocore_list_user_pools();
    host.headers[0] = ("host", b"evil.example");
    assert_eq!(host.check(), mismatch, "another host");

    let mut method = botocore_list_user_pools();
    method.method = "PUT";
    assert_eq!(method.check(), mismatch, "another method");

    let mut path = botocore_list_user_pools();
    path.path = "/other";
    assert_eq!(path.check(), mismatch, "another path");

    let mut region = botocore_list_user_pools();
    region.authorization = region.authorization.replace("us-east-1", "eu-west-1");
    assert_eq!(region.check(), mismatch, "another region in the scope");

    let mut date = botocore_list_user_pools();
    date.amz_date = "20261203T214206Z";
    assert_eq!(date.check(), mismatch, "another second");

    let mut unsigned_extra = botocore_list_user_pools();
    unsigned_extra
        .headers
        .push(("x-amz-security-token", b"anything"));
    unsigned_extra.check().unwrap();

    let mut signature = botocore_list_user_pools();
    signature.authorization = signature
        .authorization
        .replace("Signature=bdf6", "Signature=bdf7");
    assert_eq!(signature.check(), mismatch, "one bit of the signature");
}

#[test]
fn incomplete_requests_say_what_is_missing() {
    let incomplete = |message: &str| Err(SigV4Error::Incomplete(message.into()));

    let mut missing = botocore_list_user_pools();
    missing.headers.retain(|(name, _)| *name != "x-amz-target");
    assert_eq!(
        missing.check(),
        incomplete("The signed header 'x-amz-target' is missing.")
    );

    let mut no_host = botocore_list_user_pools();
    no_host.authorization = no_host.authorization.replace(
        "SignedHeaders=content-type;host;",
        "SignedHeaders=content-type;",
    );
    assert_eq!(
        no_host.check(),
        incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    );

    let mut wrong_hash = botocore_list_user_pools();
    wrong_hash
        .headers
        .push(("x-amz-content-sha256", b"UNSIGNED-PAYLOAD"));
    assert_eq!(
        wrong_hash.check(),
        incomplete("The x-amz-content-sha256 header is not the SHA-256 of the body.")
    );

    let mut day = botocore_list_user_pools();
    day.amz_date = "20261204T000000Z";
    assert_eq!(
        day.check(),
        incomplete(
            "Credential should be scoped to a valid date: the scope's date 20261203 is not the request's 20261204."
        )
    );

    let mut malformed = botocore_list_user_pools();
    malformed.amz_date = "2026-12-03T21:42:05Z";
    assert_eq!(
        malformed.check(),
        incomplete("X-Amz-Date must be in the form YYYYMMDD'T'HHMMSS'Z'.")
    );
}

#[test]
fn amz_dates_are_unix_seconds() {
    assert_eq!(parse_amz_date("20150830T123600Z"), Ok(1_440_938_160));
    assert_eq!(format_amz_date(1_440_938_160), "20150830T123600Z");
    assert!(parse_amz_date("20150830T123600").is_err());
    assert!(parse_amz_date("20150231T000000Z").is_err());
}
