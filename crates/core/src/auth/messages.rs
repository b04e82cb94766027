//! The wording of the mail an app sends: its own templates where it set them (Cognito's
//! `{####}` and `{username}` placeholders), else ours.

use crate::mail::{MailMessage, sender_name, text_to_html};
use crate::model::{App, CodePurpose};
use crate::settings::{CODE_PLACEHOLDER, USERNAME_PLACEHOLDER};

fn message(app: &App, operator: &str, to: &str, subject: String, text: String) -> MailMessage {
    MailMessage {
        to: to.to_owned(),
        subject,
        html: text_to_html(&text),
        text,
        app_id: app.id.to_string(),
        app_name: app.name.clone(),
        from_name: sender_name(&app.name, operator),
    }
}

/// A verification code: sign-up, email change or password reset; `operator` names the
/// deployment in the sender's name.
pub(crate) fn verification(
    app: &App,
    operator: &str,
    to: &str,
    purpose: CodePurpose,
    code: &str,
) -> MailMessage {
    let name = &app.name;
    let templates = &app.settings.templates;
    let subject = templates
        .verification_subject
        .clone()
        .unwrap_or_else(|| match purpose {
            CodePurpose::SignUp => format!("Your {name} verification code"),
            CodePurpose::ForgotPassword => format!("Reset your {name} password"),
            CodePurpose::VerifyEmail => format!("Verify your new {name} email address"),
            CodePurpose::MfaEmail => format!("Your {name} sign-in code"),
        });
    let text = match &templates.verification_message {
        Some(template) => template.replace(CODE_PLACEHOLDER, code),
        None => match purpose {
            CodePurpose::SignUp => format!(
                "Your confirmation code for {name} is {code}\n\nIt is valid for 24 hours. If you did not sign up, ignore this message.\n"
            ),
            CodePurpose::ForgotPassword => format!(
                "Your password reset code for {name} is {code}\n\nIt is valid for 1 hour. If you did not ask for it, ignore this message: your password stays as it is.\n"
            ),
            CodePurpose::VerifyEmail => format!(
                "Your verification code for {name} is {code}\n\nEnter it to start using this address. It is valid for 24 hours.\n"
            ),
            CodePurpose::MfaEmail => format!(
                "Your sign-in code for {name} is {code}\n\nIt is valid for 3 minutes. If you are not signing in, someone knows your password: change it.\n"
            ),
        },
    };
    message(app, operator, to, subject, text)
}

/// The invitation of an administrator-created user, with their temporary password.
pub(crate) fn invitation(
    app: &App,
    operator: &str,
    to: &str,
    username: &str,
    temporary_password: &str,
    valid_days: i64,
) -> MailMessage {
    let name = &app.name;
    let templates = &app.settings.templates;
    let subject = templates
        .invitation_subject
        .clone()
        .unwrap_or_else(|| format!("You are invited to {name}"));
    let text = match &templates.invitation_message {
        Some(template) => template
            .replace(USERNAME_PLACEHOLDER, username)
            .replace(CODE_PLACEHOLDER, temporary_password),
        None => format!(
            "You have an account for {name}.\n\nSign in as {username} with the temporary password {temporary_password}\n\nYou will choose your own password at the first sign-in. The temporary password is valid for {valid_days} days.\n"
        ),
    };
    message(app, operator, to, subject, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AppId, ClientId, PoolId};
    use crate::model::Client;
    use crate::settings::AppSettings;

    fn app(settings: AppSettings) -> App {
        let pool_id = PoolId::new("local_abcdefghi");
        App {
            id: AppId::new("app_x"),
            name: "Shop".into(),
            owner: None,
            pool_id: pool_id.clone(),
            client: Client {
                id: ClientId::new("c"),
                pool_id,
                app_id: AppId::new("app_x"),
                sealed_secret: None,
                token_validity_secs: 3600,
                refresh_validity_secs: 3600,
                primary: true,
                profile: Default::default(),
                created_at: 0,
                updated_at: 0,
            },
            origins: vec![],
            settings,
            external: None,
            created_at: 0,
        }
    }

    #[test]
    fn templates_replace_placeholders_and_defaults_name_the_app() {
        let default = verification(
            &app(AppSettings::default()),
            "auth.example.com",
            "a@b.co",
            CodePurpose::SignUp,
            "123456",
        );
        assert_eq!(default.subject, "Your Shop verification code");
        assert_eq!(default.from_name, "Shop via auth.example.com");
        assert!(default.text.contains("123456") && default.html.contains("123456"));
        let mut settings = AppSettings::default();
        settings.templates.verification_subject = Some("Code inside".into());
        settings.templates.verification_message = Some("Use {####} now".into());
        settings.templates.invitation_message = Some("Hi {username}, password {####}".into());
        let custom = verification(
            &app(settings.clone()),
            "ops",
            "a@b.co",
            CodePurpose::ForgotPassword,
            "654321",
        );
        assert_eq!(
            (custom.subject.as_str(), custom.text.as_str()),
            ("Code inside", "Use 654321 now")
        );
        let invite = invitation(&app(settings), "ops", "a@b.co", "a@b.co", "Tmp-Pass-1", 7);
        assert_eq!(invite.from_name, "Shop via ops");
        assert_eq!(invite.text, "Hi a@b.co, password Tmp-Pass-1");
        assert_eq!(invite.subject, "You are invited to Shop");
    }
}
