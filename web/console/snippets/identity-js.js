import { CognitoUserPool, CognitoUser, AuthenticationDetails } from "amazon-cognito-identity-js";

const config = await (await fetch("{{SERVER}}/api/apps/{{APP_ID}}/config")).json();
const pool = new CognitoUserPool({
  UserPoolId: config.userPoolId,
  ClientId: config.clientId,
  endpoint: config.endpoint,          // point the Cognito client at Auth Return
});

// Sign up; the 6-digit code arrives by mail (in development: ./data/outbox.jsonl).
pool.signUp("alice@example.com", "Correct-Horse-9", [], null, (err, result) => { /* … */ });
const user = new CognitoUser({ Username: "alice@example.com", Pool: pool });
user.confirmRegistration("123456", true, (err) => { /* … */ });

// Sign in with SRP: the password never leaves the browser.
user.authenticateUser(
  new AuthenticationDetails({ Username: "alice@example.com", Password: "Correct-Horse-9" }),
  {
    onSuccess: (session) => {
      const idToken = session.getIdToken().getJwtToken();   // send to your backend
    },
    onFailure: (err) => console.error(err.code, err.message), // e.g. NotAuthorizedException
  },
);
