await AuthReturn.ready;
AuthReturn.on("signin", (user) => console.log(user.email));
const user = await AuthReturn.signIn();          // opens the modal; null if closed
const res = await AuthReturn.fetch("/api/orders"); // Authorization: Bearer <ID token>;
                                                   // on 401: refresh once, retry once
AuthReturn.signOut({ global: true });
