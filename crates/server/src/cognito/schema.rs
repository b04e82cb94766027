//! Custom attributes (docs/cognito-protocol.md §5.7): AddCustomAttributes, the `Schema` of
//! CreateUserPool read into domain entries, and the `SchemaAttributes` DescribeUserPool answers.

use super::credentials::{Access, Credentials};
use super::wire::required;
use super::{Answer, empty};
use crate::error::CognitoError;
use auth_return_core::events::Caller;
use auth_return_core::schema::{
    AttributeKind, Bounds, CustomSchema, STANDARD_ATTRIBUTES, SchemaEntry, StandardType,
};
use auth_return_core::{PoolId, Service};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A `StringAttributeConstraints` or `NumberAttributeConstraints`: strings on the wire (a
/// number is taken too, as its text).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ConstraintsType {
    min_length: Option<Value>,
    max_length: Option<Value>,
    min_value: Option<Value>,
    max_value: Option<Value>,
}

/// `SchemaAttributeType` as a request gives it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttributeType {
    name: Option<String>,
    attribute_data_type: Option<String>,
    developer_only_attribute: Option<bool>,
    mutable: Option<bool>,
    required: Option<bool>,
    string_attribute_constraints: Option<ConstraintsType>,
    number_attribute_constraints: Option<ConstraintsType>,
}

/// A bound's text: a string as it is, a number as written, `null` unsaid.
fn bound_text(value: Option<Value>, member: &str) -> Result<Option<String>, CognitoError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(CognitoError::invalid(format!("{member} must be a string."))),
    }
}

impl SchemaAttributeType {
    /// The domain's entry, its bounds as text.
    fn entry(self) -> Result<SchemaEntry, CognitoError> {
        let string_constraints = match self.string_attribute_constraints {
            None => None,
            Some(c) => Some(Bounds {
                min: bound_text(c.min_length, "StringAttributeConstraints.MinLength")?,
                max: bound_text(c.max_length, "StringAttributeConstraints.MaxLength")?,
            }),
        };
        let number_constraints = match self.number_attribute_constraints {
            None => None,
            Some(c) => Some(Bounds {
                min: bound_text(c.min_value, "NumberAttributeConstraints.MinValue")?,
                max: bound_text(c.max_value, "NumberAttributeConstraints.MaxValue")?,
            }),
        };
        Ok(SchemaEntry {
            name: self.name,
            data_type: self.attribute_data_type,
            developer_only: self.developer_only_attribute,
            mutable: self.mutable,
            required: self.required,
            string_constraints,
            number_constraints,
        })
    }
}

/// A list of `SchemaAttributeType`s (`member` names it in a refusal) as domain entries.
pub(super) fn entries(value: &Value, member: &str) -> Result<Vec<SchemaEntry>, CognitoError> {
    let list: Vec<SchemaAttributeType> = serde_json::from_value(value.clone()).map_err(|_| {
        CognitoError::invalid(format!(
            "{member} must be a list of SchemaAttributeType objects."
        ))
    })?;
    list.into_iter().map(SchemaAttributeType::entry).collect()
}

/// AddCustomAttributes' input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddCustomAttributesRequest {
    user_pool_id: Option<PoolId>,
    custom_attributes: Option<Value>,
}

super::operation::shape!(bearer: AddCustomAttributesRequest);

/// AddCustomAttributes: the pool's schema grows by the attributes given, all or none.
pub async fn add_custom_attributes(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AddCustomAttributesRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let given = required(&req.custom_attributes, "customAttributes")?;
    let entries = entries(given, "CustomAttributes")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .add_custom_attributes(actor, pool_id, &entries, caller)
        .await?;
    empty()
}

/// `SchemaAttributes` of DescribeUserPool: the standard attributes, then the custom ones as
/// `custom:<name>`, constraints as strings (as Cognito answers them).
pub(super) fn schema_attributes(schema: &CustomSchema) -> Vec<Value> {
    let standard = STANDARD_ATTRIBUTES.iter().map(|s| {
        let mut entry = json!({
            "Name": s.name,
            "AttributeDataType": s.kind.data_type(),
            "DeveloperOnlyAttribute": false,
            "Mutable": s.mutable,
            "Required": s.required,
        });
        let min_length = if s.name == "sub" { "1" } else { "0" };
        match s.kind {
            StandardType::String => {
                entry["StringAttributeConstraints"] =
                    json!({"MinLength": min_length, "MaxLength": "2048"});
            }
            StandardType::Number => {
                entry["NumberAttributeConstraints"] = json!({"MinValue": "0"});
            }
            StandardType::Boolean => {}
        }
        entry
    });
    let custom = schema.attributes().iter().map(|a| {
        let mut entry = json!({
            "Name": a.full_name(),
            "AttributeDataType": a.kind.data_type(),
            "DeveloperOnlyAttribute": false,
            "Mutable": a.mutable,
            "Required": false,
        });
        let mut bounds = Map::new();
        let mut put = |member: &str, value: Option<String>| {
            if let Some(value) = value {
                bounds.insert(member.into(), Value::String(value));
            }
        };
        match &a.kind {
            AttributeKind::String {
                min_length,
                max_length,
            } => {
                put("MinLength", min_length.map(|n| n.to_string()));
                put("MaxLength", max_length.map(|n| n.to_string()));
                entry["StringAttributeConstraints"] = Value::Object(bounds);
            }
            AttributeKind::Number {
                min_value,
                max_value,
            } => {
                put("MinValue", min_value.map(|n| n.to_string()));
                put("MaxValue", max_value.map(|n| n.to_string()));
                entry["NumberAttributeConstraints"] = Value::Object(bounds);
            }
        }
        entry
    });
    standard.chain(custom).collect()
}
