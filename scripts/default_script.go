package scripts

// DefaultScripts are the troubleshooting scripts the desk starts with, one
// YAML document each. DocumentKind reads their names.
var DefaultScripts = []string{defaultSignInScript}

// defaultSignInScript walks a customer through a sign-in or connection
// fault and hands over to an agent whenever the replies leave its path.
const defaultSignInScript = `kind: troubleshooting
name: sign-in-or-connection
description: >
  First-line help for customers who cannot sign in or cannot connect. It
  points to the password reset or gives basic network advice, and hands the ticket to
  an agent when the answers leave the common path.

trigger:
  within_turns: 2
  phrases:
    - can't|cannot|cant|couldn't log|sign in|on
    - unable to log|sign in|on|connect
    - login|signin|logon
    - locked out
    - password*
    - can't|cannot|cant|couldn't connect*
    - no|lost internet|connection|signal
    - connection drop*|fail*|lost|keeps
    - offline

phrases:
  sign_in: ["log|sign in|on", "login*|signin|logon", "password*", "locked|lock out", "account", "two factor", "2fa"]
  connection: ["connect*", "internet", "wifi", "offline", "network*", "router", "signal"]
  locked: ["locked|lock out", "account locked|disabled|suspended|blocked", "too many attempts"]
  wrong_password: ["wrong|incorrect|invalid password|credentials", "password is wrong|incorrect|invalid", "forgot|forgotten my|the password"]
  two_factor: ["two factor", "2fa", "verification|security|sms code", "authenticator"]
  everywhere: ["every|all device*|network*", "everywhere", "any device|network", "all of them", "both"]
  one_device: ["only|just one|on|my|the", "one device", "single device"]
  fixed: ["yes", "yep", "yeah", "it works|worked", "working now", "fixed", "that did it", "all good", "sorted"]
  still_broken: ["no", "nope", "still not|broken|failing", "didn't|did not|doesn't|does not work|help", "not working|fixed|solved", "same problem|issue|error|message"]

steps:
  - name: route
    wait: none
    on:
      - when: mentions(phrases.sign_in)
        goto: ask-sign-in-error
      - when: mentions(phrases.connection)
        goto: ask-connection-scope
      - when: "true"
        goto: ask-which

  - name: ask-which
    send: Is the trouble signing in to your account, or connecting to the service?
    wait: {for: reply, timeout: 10m}
    on:
      - when: mentions(phrases.sign_in)
        goto: ask-sign-in-error
      - when: mentions(phrases.connection)
        goto: ask-connection-scope
      - when: timed_out
        resolve: no reply to the first question
      - when: replies_in_step >= 2
        hand_to_human: {reason: "the script could not tell a sign-in fault from a connection fault"}

  - name: ask-sign-in-error
    send: Sorry about that. What does the message on the sign-in screen say?
    prompt: Ask for the exact error on the sign-in screen.
    wait: {for: reply, timeout: 10m}
    on:
      - when: mentions(phrases.locked)
        tag: account-locked
        priority: high
        send: Your account is locked for your safety. I am passing you to an agent who can verify it is you.
        hand_to_human: {reason: "locked account needs an identity check"}
      - when: mentions(phrases.two_factor)
        tag: two-factor
        hand_to_human: {reason: "two-factor sign-in problem"}
      - when: mentions(phrases.wrong_password)
        goto: send-reset
      - when: timed_out && visits < 2
        goto: ask-sign-in-error
      - when: timed_out
        resolve: no reply after two reminders
      - when: replied
        hand_to_human: {reason: "sign-in error the script does not cover"}

  - name: send-reset
    send: Please choose "Forgot password?" on the sign-in screen and follow the link we email you. Did the reset work?
    wait: {for: reply, timeout: 30m}
    on:
      - when: says(phrases.still_broken)
        priority: high
        hand_to_human: {reason: "a password reset did not help"}
      - when: says(phrases.fixed)
        send: Glad that worked. Have a good day!
        resolve: the password reset worked
      - when: timed_out
        resolve: no reply after the reset link
      - when: replies_in_step >= 2
        hand_to_human: {reason: "unclear answer after the reset link"}

  - name: ask-connection-scope
    send: Does the problem happen on every device and network, or only on one?
    wait: {for: reply, timeout: 10m}
    on:
      - when: says(phrases.everywhere)
        goto: possible-outage
      - when: says(phrases.one_device)
        goto: restart-router
      - when: timed_out
        resolve: no reply to the connection question
      - when: replied
        goto: restart-router

  - name: restart-router
    send: Please restart your router and the device, wait two minutes, and try again. Did that fix it?
    wait: {for: reply, timeout: 20m}
    on:
      - when: says(phrases.still_broken)
        hand_to_human: {reason: "restarting the router and device did not help"}
      - when: says(phrases.fixed)
        send: Great, glad you are back online.
        resolve: a restart fixed the connection
      - when: timed_out
        resolve: no reply after the restart advice
      - when: replies_in_step >= 2
        hand_to_human: {reason: "unclear answer after the restart advice"}

  - name: possible-outage
    wait: none
    on:
      - when: "true"
        tag: possible-outage
        send: Thanks. This may be a fault on our side, so I am passing you to an engineer now.
        escalate: {queue: senior, priority: high, reason: "connection fails on every device: possible outage"}
`
