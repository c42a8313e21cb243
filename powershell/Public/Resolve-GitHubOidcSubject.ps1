function Resolve-GitHubOidcSubject {
    <#
        .SYNOPSIS
        Computes the subject (sub) claim GitHub Actions would put into an OIDC token.

        .DESCRIPTION
        Shows the `sub` a cloud provider will see, so its trust policy can be written (and
        checked) before the first deployment fails with a 401. Three ways:

        - Offline (-Claim): from claim values you give and a template (-IncludeClaimKeys;
          omitted = GitHub's default repo, context). No network, no token.
        - Live (-Owner -Repository): reads the repository's effective template the way GitHub
          applies it (its own keys; use_default false without keys = the organization's
          template; otherwise GitHub's default) and its sub_claim_prefix, which decides the
          `repo` segment even when use_immutable_subject reads false (repositories created,
          renamed or transferred after 2026-07-15 use repo:OWNER@OWNER_ID/REPO@REPO_ID). The
          job is described with -Branch, -Tag, -Ref, -PullRequest and/or -Environment, plus
          -Claim for anything else (job_workflow_ref, repo_property_*, ...). The repository and
          owner IDs are read when the template or the immutable form needs them.
        - Token (-Token): from the claims of an ID token, and whether the computed subject
          equals the token's own `sub` (the token is decoded, not verified).
        - Job token (-IdToken, or Get-GitHubOidcToken output from the pipeline): reads the live
          template of the token's repository (as -Owner -Repository does; needs a GitHub token,
          e.g. GITHUB_TOKEN in the job) and says whether it predicts exactly the token's `sub`
          (Matches, TokenSubject): a real job checks the rules.

        Rules: the template keys in order, each `key:value`, joined with `:`; `repo` renders
        repo:OWNER/REPO (immutable: repo:OWNER@OWNER_ID/REPO@REPO_ID); `context` renders
        environment:NAME when the job has an environment, else pull_request for pull_request
        events, else ref:REF; a `:` inside a value becomes %3A. A template key whose claim is
        missing (e.g. environment without an environment) is an error naming the key.

        .PARAMETER Claim
        Claim name -> value, e.g. @{ repository = 'octo-org/octo-repo'; ref = 'refs/heads/main' }.
        Useful names: repository, repository_owner, ref, event_name, environment,
        job_workflow_ref, repository_owner_id, repository_id, repo_property_*. In the live
        preview, repository and repository_owner are filled in from -Owner and -Repository.

        .PARAMETER IncludeClaimKeys
        The template, in order. Omitted: GitHub's default (repo, context).

        .PARAMETER UseImmutableSubject
        Render the repo segment in the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID (needs the
        repository_owner_id and repository_id claims).

        .PARAMETER Owner
        The organization or user that owns the repository. Alias: Organization.

        .PARAMETER Repository
        The repository name. Alias: Repo.

        .PARAMETER Branch
        The job runs on this branch (ref refs/heads/BRANCH, event push).

        .PARAMETER Tag
        The job runs on this tag (ref refs/tags/TAG, event push).

        .PARAMETER Ref
        The full git ref of the job, e.g. refs/heads/main.

        .PARAMETER PullRequest
        The job runs for this pull request number (event pull_request, ref refs/pull/N/merge).

        .PARAMETER Environment
        The deployment environment the job references.

        .PARAMETER Token
        An OIDC ID token (JWT); its claims are used and its own sub is compared.

        .PARAMETER IdToken
        The job's ID token as a SecureString: Get-GitHubOidcToken output binds it by property
        name. Its repository's live template is applied to its claims and compared with its sub.

        .PARAMETER Context
        Live preview (and -IdToken): where to connect and with which token. Omitted: GH_HOST if set, else
        github.com. A string is a host name; an object or hashtable may carry HostName,
        ApiBaseUri, IssuerUri, Token (string or SecureString).

        .EXAMPLE
        Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; environment = 'Production' }

        repo:octo-org/octo-repo:environment:Production (offline, GitHub's default template).

        .EXAMPLE
        $claims = @{ repository = 'octo-org/octo-repo'; repository_owner_id = '123456'; repository_id = '456789'; ref = 'refs/heads/main' }
        Resolve-GitHubOidcSubject -Claim $claims -UseImmutableSubject

        repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main, the immutable form.

        .EXAMPLE
        $workflow = 'octo-org/automation/.github/workflows/deploy.yml@refs/heads/main'
        Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Environment prod -Claim @{ job_workflow_ref = $workflow }

        The sub a job of octo-org/octo-repo in environment prod gets, with the repository's real template.

        .EXAMPLE
        Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Branch main | New-GitHubOidcTrustPolicy -Provider Aws -IncludeLegacy

        An AWS trust policy for the branch, trusting both the name-based and the immutable subject.

        .EXAMPLE
        Resolve-GitHubOidcSubject -Token $env:ID_TOKEN | Select-Object Subject, Matches

        Recomputes the sub from a token's claims and compares it with the token's own.

        .EXAMPLE
        Get-GitHubOidcToken | Resolve-GitHubOidcSubject | Select-Object Subject, TokenSubject, Matches

        Inside a job: whether the repository's live template predicts exactly the sub GitHub put
        into this job's token.

        .OUTPUTS
        GitHubOidc.Subject: Subject, IncludeClaimKeys, Immutable, Source (Default, Organization,
        Repository or Given), Claims (the claims used), LegacySubject and ImmutableSubject (the
        two forms, for a migration), SubClaimPrefix, UseImmutableSubject, Owner, Repository,
        TokenSubject and Matches (token only), Warnings.

        .NOTES
        Rules: https://docs.github.com/actions/reference/security/oidc (Example subject claims,
        Customizing the subject claims, Immutable subject claims).
        Permissions (live): read access to the repository's OIDC customization (fine-grained
        "Actions" repository read, classic repo); for a repository that uses its organization's
        template also "Administration" organization read (classic read:org). The live preview
        also reads the repository (GET /repos/OWNER/REPO, "Metadata" read, granted to every
        fine-grained token) for its names as GitHub spells them and its IDs, unless the
        repository's sub_claim_prefix already has both. Offline and token previews make no request.

        .LINK
        New-GitHubOidcTrustPolicy

        .LINK
        Get-GitHubOidcSubjectClaim
    #>
    [CmdletBinding(DefaultParameterSetName = 'Offline')]
    [OutputType('GitHubOidc.Subject')]
    param(
        # Claim name -> value, e.g.
        [Parameter(Mandatory, ParameterSetName = 'Offline', Position = 0)]
        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNull()]
        [System.Collections.IDictionary] $Claim,

        # The template, in order.
        [Parameter(ParameterSetName = 'Offline')]
        [Parameter(ParameterSetName = 'Token')]
        [ValidateNotNullOrEmpty()]
        # Tab: the claim keys of the context's issuer. The attribute's block runs in the caller's
        # scope, so it completes inside the command's module (GitHubOidc.psm1).
        [ArgumentCompleter({
                $module = $ExecutionContext.InvokeCommand.GetCommand($args[0], 'Function').Module
                if ($module) { & $module { & $script:GitHubOidcClaimKeyCompleter @args } @args }
            })]
        [string[]] $IncludeClaimKeys,

        # Render the repo segment in the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID (needs the repository_owner_id and ...
        [Parameter(ParameterSetName = 'Offline')]
        [Parameter(ParameterSetName = 'Token')]
        [switch] $UseImmutableSubject,

        # The organization or user that owns the repository.
        [Parameter(Mandatory, ParameterSetName = 'Live', ValueFromPipelineByPropertyName)]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # The repository name.
        [Parameter(Mandatory, ParameterSetName = 'Live', ValueFromPipelineByPropertyName)]
        [Alias('Repo')]
        [ValidateNotNullOrEmpty()]
        [string] $Repository,

        # The job runs on this branch (ref refs/heads/BRANCH, event push).
        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $Branch,

        # The job runs on this tag (ref refs/tags/TAG, event push).
        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $Tag,

        # The full git ref of the job, e.g.
        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $Ref,

        # The job runs for this pull request number (event pull_request, ref refs/pull/N/merge).
        [Parameter(ParameterSetName = 'Live')]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $PullRequest,

        # The deployment environment the job references.
        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $Environment,

        # An OIDC ID token (JWT); its claims are used and its own sub is compared.
        [Parameter(Mandatory, ParameterSetName = 'Token', ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string] $Token,

        # The job's ID token (Get-GitHubOidcToken output, bound by property name).
        [Parameter(Mandatory, ParameterSetName = 'IdToken', ValueFromPipelineByPropertyName)]
        [ValidateNotNull()]
        [securestring] $IdToken,

        # Live preview: where to connect and with which token.
        [Parameter(ParameterSetName = 'Live')]
        [Parameter(ParameterSetName = 'IdToken')]
        [object] $Context
    )

    begin {
        $state = $null
        if ($PSCmdlet.ParameterSetName -eq 'Live') {
            $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
        }
    }

    process {
        $set = $PSCmdlet.ParameterSetName
        if ($set -eq 'IdToken' -and -not $state) {
            # The set is known only once the pipeline's object is bound (Get-GitHubOidcToken output).
            $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
        }
        $keys = if ($IncludeClaimKeys) { [string[]]$IncludeClaimKeys } else { $null }
        $claims = [System.Collections.Generic.Dictionary[string, object]]::new()
        if ($Claim) {
            foreach ($key in $Claim.Keys) {
                $claims["$key"] = $Claim[$key]
            }
        }

        $target = switch ($set) {
            'Live' { "$Owner/$Repository" }
            'Token' { 'Token' }
            'IdToken' { 'IdToken' }
            default { 'Claim' }
        }
        # The job's ref and event (-Branch, -Tag, -Ref, -PullRequest, -Environment) are turned
        # into claims by the native layer, which knows how GitHub fills them.
        $request = [GitHubOidc.Native.ResolveSubjectRequest]@{
            Claims              = if ($set -notin 'Token', 'IdToken') { $claims } else { $null }
            IncludeClaimKeys    = $keys
            UseImmutableSubject = $UseImmutableSubject.IsPresent
        }
        if ($set -eq 'Live') {
            if ($VerbosePreference -ne 'SilentlyContinue') {
                Write-Verbose (ConvertTo-GitHubOidcSafeText "GitHubOidc: reading the effective subject template of $target on $($state.Target).")
            }
            $request.Context = $state.Context
            $request.Owner = $Owner
            $request.Repository = $Repository
            $request.Branch = $Branch
            $request.Tag = $Tag
            $request.Ref = $Ref
            $request.Environment = $Environment
            if ($PSBoundParameters.ContainsKey('PullRequest')) { $request.PullRequest = $PullRequest }
        } elseif ($set -eq 'Token') {
            $request.Token = $Token
        } elseif ($set -eq 'IdToken') {
            # The token as text only for the request (the native layer redacts it from the answer).
            $request.Token = ConvertFrom-SecureString -SecureString $IdToken -AsPlainText
            $request.Live = $true
            $request.Context = $state.Context
        }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $target
        if ($null -eq $answer) { return }

        $warnings = [string[]]@($answer['warnings'] | Where-Object { $_ })
        foreach ($warning in $warnings) {
            Write-Warning $warning
        }
        $used = [ordered]@{}
        $usedClaims = $answer['used_claims']
        if ($usedClaims -is [System.Collections.IDictionary]) {
            foreach ($name in @($usedClaims.Keys | Sort-Object)) {
                $used[$name] = $usedClaims[$name]
            }
        }
        $source = [string]$answer['source']
        [pscustomobject][ordered]@{
            PSTypeName          = 'GitHubOidc.Subject'
            Subject             = [string]$answer['subject']
            IncludeClaimKeys    = [string[]]@($answer['include_claim_keys'])
            Immutable           = [bool]$answer['immutable']
            Source              = $source
            Claims              = [pscustomobject]$used
            LegacySubject       = $answer['legacy_subject']
            ImmutableSubject    = $answer['immutable_subject']
            SubClaimPrefix      = $answer['sub_claim_prefix']
            UseImmutableSubject = $answer['use_immutable_subject']
            Owner               = $answer['owner']
            Repository          = $answer['repository']
            TokenSubject        = $answer['token_subject']
            Matches             = $answer['matches']
            Warnings            = $warnings
        }
    }
}
