//! One user of a pool, looked up by sign-in name or `sub` (`AdminGetUser`): what the service
//! needs to judge that user's API keys and to find whom a forwarded admin call is about.

use crate::error::ProviderError;
use crate::provider::CognitoProvider;
use auth_return_core::provider::ExternalUser;

impl CognitoProvider {
    /// The user of `pool_id` whose username, email alias or `sub` is `username` (Cognito takes
    /// each as `Username`), or `None` when the pool has no such user.
    pub async fn find_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Option<ExternalUser>, ProviderError> {
        let answer = match self
            .sdk()
            .admin_get_user()
            .user_pool_id(pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_user_not_found_exception()) =>
            {
                return Ok(None);
            }
            Err(err) => return Err(self.error("AdminGetUser", err)),
        };
        let sub = answer
            .user_attributes()
            .iter()
            .find(|attribute| attribute.name() == "sub")
            .and_then(|attribute| attribute.value())
            .ok_or_else(|| ProviderError::Invalid("AdminGetUser answered without a sub".into()))?;
        Ok(Some(ExternalUser {
            sub: sub.to_owned(),
            enabled: answer.enabled(),
        }))
    }
}
