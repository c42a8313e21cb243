// SubjectClaimCommand: the body of Get-GitHubOidcSubjectClaim (Public/Get-GitHubOidcSubjectClaim.ps1
// keeps its parameters, help and ShouldProcess-free begin/process blocks, which call this). It is
// the command a fresh pwsh's first call is measured with (issue 20): every distinct operation a
// script runs for the first time costs the process a compiled rule, and a few C# calls cost
// almost none of that. It decides nothing of GitHub's: the template comes from the native layer
// (ghoidc_get_subject_claim), the object from ShapedObject.SubjectClaim.

using System;
using System.Collections;
using System.Management.Automation;

namespace GitHubOidc.Native
{
    /// <summary>Get-GitHubOidcSubjectClaim's process block; see the file's header.</summary>
    public static class SubjectClaimCommand
    {
        /// <summary>
        /// Reads the template of an organization (<paramref name="repository"/> null or empty) or
        /// of a repository and writes its GitHubOidc.SubjectClaim to <paramref name="cmdlet"/>;
        /// a failure is written as the command's GitHubOidc.* error for that item (the pipeline
        /// goes on). <paramref name="state"/> is the calling script's $ExecutionContext.SessionState
        /// (its preferences decide the verbose and debug lines); <paramref name="context"/> the
        /// command's resolved context (ContextInitializer).
        /// </summary>
        public static void Get(PSCmdlet cmdlet, SessionState state, ContextState context, string owner, string? repository)
        {
            if (cmdlet == null) throw new ArgumentNullException(nameof(cmdlet));
            if (state == null) throw new ArgumentNullException(nameof(state));
            if (context == null) throw new ArgumentNullException(nameof(context));
            var isRepository = !string.IsNullOrEmpty(repository);
            var target = isRepository ? $"{owner}/{repository}" : owner;
            if (NativeCommand.IsShown(state.PSVariable.GetValue("VerbosePreference")))
            {
                var what = isRepository ? $"repository [{target}]" : $"organization [{target}]";
                cmdlet.WriteVerbose(NativeClient.Redact($"GitHubOidc: getting the OIDC subject claim template of {what} on {context.Target}."));
            }
            var request = new GetSubjectClaimRequest
            {
                Context = context.Context,
                Owner = owner,
                Repository = isRepository ? repository : null,
            };
            if (NativeCommand.Invoke(cmdlet, state, request, cmdlet, target, false, null) is not IDictionary answer)
            {
                return;
            }
            if (!isRepository && !LanguagePrimitives.IsTrue(answer["customized"]))
            {
                cmdlet.WriteVerbose(NativeClient.Redact(
                    $"GitHubOidc: organization [{owner}] has no custom template; its repositories that opt in get the default keys repo, context."));
            }
            cmdlet.WriteObject(ShapedObject.SubjectClaim(answer, context.Target));
        }
    }
}
