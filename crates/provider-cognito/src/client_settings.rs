//! The app client's settings in the SDK's types, as both creating and updating a pool write
//! them: refresh rotation, the lifetimes' units, existence errors.

use crate::error::ProviderError;
use crate::spec::{Checked, PoolSpec};
use aws_sdk_cognitoidentityprovider::types::{
    FeatureType, PreventUserExistenceErrorTypes, RefreshTokenRotationType, TokenValidityUnitsType,
};

/// `RefreshTokenRotation`: on or off, with its grace period.
pub(crate) fn rotation(
    spec: &PoolSpec,
    checked: &Checked,
) -> Result<RefreshTokenRotationType, ProviderError> {
    RefreshTokenRotationType::builder()
        .feature(if spec.refresh_rotation.enabled {
            FeatureType::Enabled
        } else {
            FeatureType::Disabled
        })
        .retry_grace_period_seconds(checked.grace_secs)
        .build()
        .map_err(|err| ProviderError::Invalid(err.to_string()))
}

/// `TokenValidityUnits` of the checked lifetimes.
pub(crate) fn units(checked: &Checked) -> TokenValidityUnitsType {
    TokenValidityUnitsType::builder()
        .access_token(checked.token.unit.clone())
        .id_token(checked.token.unit.clone())
        .refresh_token(checked.refresh.unit.clone())
        .build()
}

/// `PreventUserExistenceErrors`: `ENABLED` when the app hides existing accounts.
pub(crate) fn existence_errors(spec: &PoolSpec) -> PreventUserExistenceErrorTypes {
    if spec.hide_existing_accounts {
        PreventUserExistenceErrorTypes::Enabled
    } else {
        PreventUserExistenceErrorTypes::Legacy
    }
}
