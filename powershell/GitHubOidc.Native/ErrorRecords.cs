// ErrorRecords: every ErrorRecord of the module is made here, for the script layer
// (Private/New-GitHubOidcErrorRecord.ps1 is its PowerShell face) and for the facade's own
// command paths (ContextInitializer, NativeCommand). The error model end to end: the Rust error
// keeps GitHub's status, message and documentation URL → a GhoidcStatus and a message
// (GitHubOidcException) → here, an ErrorRecord whose ErrorId is 'GitHubOidc.<Kind>', with a
// category, the target object and a recommended action. Written once in C# (issue 20: the
// script version cost a fresh process's first command its compilation); the texts are the same.
// Every text is redacted (NativeClient.Redact): the native layer's own messages are redacted
// already, this is defence in depth for the secrets the caller names.

using System;
using System.Management.Automation;

namespace GitHubOidc.Native
{
    /// <summary>Makes the module's error records; see the file's header.</summary>
    public static class ErrorRecords
    {
        /// <summary>
        /// The record for an exception: a GitHubOidcException (found among the inner exceptions of
        /// wrappers such as MethodInvocationException) becomes GitHubOidc.&lt;Kind&gt; with its
        /// category and recommended action; an ArgumentException GitHubOidc.InvalidArgument; any
        /// other exception GitHubOidc.Internal. When a secret had to be removed from the message,
        /// the original exception (whose Message still holds it) is not kept.
        /// </summary>
        public static ErrorRecord FromException(Exception exception, object? target, params string?[]? secrets)
        {
            if (exception == null) throw new ArgumentNullException(nameof(exception));
            var inner = exception;
            while (inner is not GitHubOidcException && inner.InnerException != null)
            {
                inner = inner.InnerException;
            }

            string kind;
            ErrorCategory category;
            string? recommended = null;
            if (inner is GitHubOidcException native)
            {
                kind = native.Kind;
                category = CategoryOf(kind);
                recommended = RecommendedActionFor(native);
            }
            else if (inner is ArgumentException)
            {
                kind = "InvalidArgument";
                category = ErrorCategory.InvalidArgument;
            }
            else
            {
                kind = "Internal";
                category = ErrorCategory.NotSpecified;
            }

            var message = inner.Message;
            var kept = inner;
            var redacted = NativeClient.Redact(message, secrets);
            if (redacted != message)
            {
                message = redacted;
                kept = new InvalidOperationException(message);
            }
            return Record(kept, kind, category, RedactTarget(target, secrets), message, recommended);
        }

        /// <summary>
        /// The record for a problem the module found itself (not an answer of the native layer):
        /// GitHubOidc.<paramref name="kind"/> around an ArgumentException with the message.
        /// </summary>
        public static ErrorRecord FromMessage(
            string message, string? kind, ErrorCategory category, string? recommendedAction, object? target, params string?[]? secrets)
        {
            var text = NativeClient.Redact(message, secrets);
            var action = string.IsNullOrEmpty(recommendedAction) ? null : NativeClient.Redact(recommendedAction, secrets);
            var name = string.IsNullOrEmpty(kind) ? "InvalidArgument" : kind!;
            return Record(new ArgumentException(text), name, category, RedactTarget(target, secrets), text, action);
        }

        private static ErrorRecord Record(Exception exception, string kind, ErrorCategory category, object? target, string message, string? recommended)
        {
            var record = new ErrorRecord(exception, "GitHubOidc." + kind, category, target)
            {
                ErrorDetails = new ErrorDetails(message),
            };
            if (!string.IsNullOrEmpty(recommended))
            {
                record.ErrorDetails.RecommendedAction = recommended;
            }
            return record;
        }

        /// <summary>A text target (owner/repo, a host name the user typed) never carries a token.</summary>
        private static object? RedactTarget(object? target, string?[]? secrets) =>
            target is string text ? NativeClient.Redact(text, secrets) : target;

        /// <summary>The PowerShell category of a GitHubOidc error kind.</summary>
        public static ErrorCategory CategoryOf(string kind) => kind switch
        {
            "NotFound" => ErrorCategory.ObjectNotFound,
            "Unauthorized" => ErrorCategory.AuthenticationError,
            "Forbidden" => ErrorCategory.PermissionDenied,
            "ValidationFailed" => ErrorCategory.InvalidData,
            "RateLimited" => ErrorCategory.LimitsExceeded,
            "ServerError" => ErrorCategory.ResourceUnavailable,
            "Network" => ErrorCategory.ConnectionError,
            "InvalidArgument" => ErrorCategory.InvalidArgument,
            "UnexpectedResponse" => ErrorCategory.InvalidResult,
            "Conflict" => ErrorCategory.InvalidOperation,
            _ => ErrorCategory.NotSpecified,
        };

        private static string? RecommendedActionFor(GitHubOidcException error) => error.Kind switch
        {
            "NotFound" => "Check the owner and repository names, and that the token can see them (GitHub answers 404 to hide what it may not see).",
            "Unauthorized" => "Provide a valid token: -Context @{ Token = ... }, GH_TOKEN or GITHUB_TOKEN, or run 'gh auth login'.",
            "Forbidden" => string.IsNullOrEmpty(error.RequiredPermission)
                ? "Use a token with the permission the endpoint needs (Get-Help Set-GitHubOidcSubjectClaim -Full, NOTES)."
                : $"Use a token with {error.RequiredPermission}.",
            "ValidationFailed" => "Check the claim keys: Get-GitHubOidcClaim lists the keys this instance supports.",
            "RateLimited" => "Wait for the rate limit to reset, or allow longer waits with -Context @{ MaxRetries = N; MaxRetryWaitSec = S }.",
            "ServerError" => "GitHub had a problem; try again later. Transient failures were already retried.",
            "Network" => "Check the host name, the network, and the HTTPS_PROXY / NO_PROXY settings.",
            "Conflict" => "The settings changed on GitHub after the request was shown for approval, and nothing was sent. " +
                "Run the command again to review the request for the current state.",
            _ => null,
        };
    }
}
