//! The `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.

use super::SigV4Error;

/// The algorithm every header names.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id (`Credential`'s first part).
    pub access_key_id: String,
    /// The credential scope's date, `YYYYMMDD`.
    pub date: String,
    /// The credential scope's region.
    pub region: String,
    /// The credential scope's service.
    pub service: String,
    /// `SignedHeaders`: lowercase names, sorted, as the client listed them.
    pub signed_headers: Vec<String>,
    /// `Signature`, decoded from hex.
    pub signature: [u8; 32],
}

impl Authorization {
    /// The credential scope, `date/region/service/aws4_request`.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// Parses the header's value. Components may come in any order, separated by commas with or
/// without spaces; each must appear once.
pub fn parse_authorization(value: &str) -> Result<Authorization, SigV4Error> {
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| {
            SigV4Error::incomplete(format!(
                "Authorization header requires the algorithm {ALGORITHM}."
            ))
        })?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').ok_or_else(|| {
            SigV4Error::incomplete("Authorization header requires each component to be name=value.")
        })?;
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => {
                return Err(SigV4Error::incomplete(format!(
                    "Authorization header has an unknown component {}.",
                    name_only(name)
                )));
            }
        };
        if slot.replace(value).is_some() {
            return Err(SigV4Error::incomplete(format!(
                "Authorization header has {name} twice."
            )));
        }
    }
    let missing = |name: &str| {
        SigV4Error::incomplete(format!("Authorization header requires '{name}' parameter."))
    };
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;

    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts[..] else {
        return Err(SigV4Error::incomplete(
            "Credential should be scoped to a valid region, service and date: key/date/region/service/aws4_request.",
        ));
    };
    if terminator != "aws4_request"
        || access_key_id.is_empty()
        || region.is_empty()
        || service.is_empty()
        || date.len() != 8
        || !date.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SigV4Error::incomplete(
            "Credential should be scoped to a valid region, service and date: key/date/region/service/aws4_request.",
        ));
    }
    let signed_headers: Vec<String> = signed.split(';').map(str::to_owned).collect();
    if signed_headers
        .iter()
        .any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase() || b == b' '))
    {
        return Err(SigV4Error::incomplete(
            "SignedHeaders must be lowercase header names separated by ';'.",
        ));
    }
    let mut signature_bytes = [0u8; 32];
    hex::decode_to_slice(signature, &mut signature_bytes)
        .map_err(|_| SigV4Error::incomplete("Signature must be 64 hexadecimal characters."))?;
    Ok(Authorization {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature_bytes,
    })
}

/// At most the first 32 characters of a component's name, for messages (never its value).
fn name_only(name: &str) -> String {
    name.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    #[test]
    fn a_well_formed_header_parses_in_any_order_and_spacing() {
        let parsed = parse_authorization(GOOD).unwrap();
        assert_eq!(parsed.access_key_id, "AKIDEXAMPLE");
        assert_eq!(parsed.scope(), "20150830/us-east-1/service/aws4_request");
        assert_eq!(parsed.signed_headers, ["host", "x-amz-date"]);
        assert_eq!(parsed.signature[0], 0x5f);
        let reordered = "AWS4-HMAC-SHA256 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31,SignedHeaders=host;x-amz-date,Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
        assert_eq!(parse_authorization(reordered).unwrap(), parsed);
    }

    #[test]
    fn malformed_headers_say_what_is_wrong_without_repeating_values() {
        let cases = [
            (
                "",
                "Authorization header requires the algorithm AWS4-HMAC-SHA256.",
            ),
            (
                "Bearer abc",
                "Authorization header requires the algorithm AWS4-HMAC-SHA256.",
            ),
            (
                "AWS4-HMAC-SHA256Credential=x",
                "Authorization header requires the algorithm AWS4-HMAC-SHA256.",
            ),
            (
                "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
                "Authorization header requires 'Credential' parameter.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, Signature=00",
                "Authorization header requires 'SignedHeaders' parameter.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host",
                "Authorization header requires 'Signature' parameter.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/2015083/r/s/aws4_request, SignedHeaders=host, Signature=00",
                "Credential should be scoped to a valid region, service and date: key/date/region/service/aws4_request.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws5_request, SignedHeaders=host, Signature=00",
                "Credential should be scoped to a valid region, service and date: key/date/region/service/aws4_request.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=Host, Signature=00",
                "SignedHeaders must be lowercase header names separated by ';'.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host;;x, Signature=00",
                "SignedHeaders must be lowercase header names separated by ';'.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, SignedHeaders=host, Signature=zz",
                "Signature must be 64 hexadecimal characters.",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a/20150830/r/s/aws4_request, Credential=b/20150830/r/s/aws4_request",
                "Authorization header has Credential twice.",
            ),
            (
                "AWS4-HMAC-SHA256 Secret=hunter2",
                "Authorization header has an unknown component Secret.",
            ),
            (
                "AWS4-HMAC-SHA256 hunter2",
                "Authorization header requires each component to be name=value.",
            ),
        ];
        for (header, message) in cases {
            assert_eq!(
                parse_authorization(header),
                Err(SigV4Error::Incomplete(message.into())),
                "{header}"
            );
        }
    }
}
