// GetSubjectClaimCommand: Get-GitHubOidcSubjectClaim, a compiled cmdlet (issue 20: the first call
// as fast as the rest). It is the command a fresh pwsh's first call is measured with, and a
// script function's first call costs that process its compilation: the parameter metadata from
// the syntax tree, the script blocks, a rule for each operation. A cmdlet's first call costs
// almost none of that. Its parameters and help are written in
// powershell/Public/Get-GitHubOidcSubjectClaim.ps1 (the help source, turned into MAML by
// build.ps1; Module.Tests checks that both declare the same parameters); this class is the
// command. It decides nothing of GitHub's: the template comes from the native layer
// (ghoidc_get_subject_claim), the object from ShapedObject.SubjectClaim.

using System;
using System.Collections;
using System.Management.Automation;

namespace GitHubOidc.Native
{
    /// <summary>Get-GitHubOidcSubjectClaim; see the file's header and the help source.</summary>
    [Cmdlet(VerbsCommon.Get, "GitHubOidcSubjectClaim", DefaultParameterSetName = OrganizationSet)]
    [OutputType("GitHubOidc.SubjectClaim")]
    public sealed class GetSubjectClaimCommand : PSCmdlet
    {
        private const string OrganizationSet = "Get the customization template for an OIDC subject claim for an organization";
        private const string RepositorySet = "Get the customization template for an OIDC subject claim for a repository";

        // The parameters without nullable annotations: C#'s NullableAttribute would show among
        // their attributes, which Module.Tests compares with the help source's.
#nullable disable
        /// <summary>The organization name, or the account that owns the repository.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, Position = 0)]
        [Alias("Organization", "User", "Org")]
        [ValidateNotNullOrEmpty]
        public string Owner { get; set; } = string.Empty;

        /// <summary>The repository name, without the .git extension.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, Position = 1, ParameterSetName = RepositorySet)]
        [Alias("Repo")]
        [ValidateNotNullOrEmpty]
        public string Repository { get; set; }

        /// <summary>Where to connect and with which token (see ContextInitializer).</summary>
        [Parameter]
        public object Context { get; set; }
#nullable restore

        private ContextState? state;

        /// <summary>The module's views, and the command's context, resolved once.</summary>
        protected override void BeginProcessing()
        {
            var module = MyInvocation.MyCommand.Module;
            ModuleSession.RegisterFormats(module);
            var cache = ModuleSession.ContextCacheOf(module?.SessionState);
            var context = Context == null ? null : PSObject.AsPSObject(Context);
            state = (ContextState)ContextInitializer.Initialize(this, SessionState, true, context, false, true, cache);
        }

        /// <summary>
        /// One organization's (no -Repository: its parameter set) or repository's template: the
        /// GitHubOidc.SubjectClaim is written, or the item's GitHubOidc.* error (the pipeline goes on).
        /// </summary>
        protected override void ProcessRecord()
        {
            // (Repository is mandatory and not empty in its set; a value bound from an earlier
            // pipeline object does not count in the organization's set.)
            var isRepository = ParameterSetName == RepositorySet;
            var target = isRepository ? $"{Owner}/{Repository}" : Owner;
            if (ModuleSession.IsShown(this, SessionState, "Verbose"))
            {
                var what = isRepository ? $"repository [{target}]" : $"organization [{target}]";
                WriteVerbose(NativeClient.Redact($"GitHubOidc: getting the OIDC subject claim template of {what} on {state!.Target}."));
            }
            var request = new GetSubjectClaimRequest
            {
                Context = state!.Context,
                Owner = Owner,
                Repository = isRepository ? Repository : null,
            };
            if (NativeCommand.Invoke(this, SessionState, request, this, target, false, null) is not IDictionary answer)
            {
                return;
            }
            if (!isRepository && !LanguagePrimitives.IsTrue(answer["customized"]))
            {
                WriteVerbose(NativeClient.Redact(
                    $"GitHubOidc: organization [{Owner}] has no custom template; its repositories that opt in get the default keys repo, context."));
            }
            WriteObject(ShapedObject.SubjectClaim(answer, state.Target));
        }
    }
}
