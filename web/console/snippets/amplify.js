import { Amplify } from "aws-amplify";
import { signIn } from "aws-amplify/auth";

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: "{{POOL_ID}}",
      userPoolClientId: "{{CLIENT_ID}}",
      userPoolEndpoint: "{{ENDPOINT}}",   // point Amplify at Auth Return
    },
  },
});
const { isSignedIn } = await signIn({ username: "alice@example.com", password: "Correct-Horse-9" });
