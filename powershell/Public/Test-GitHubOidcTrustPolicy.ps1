function Test-GitHubOidcTrustPolicy {
    <#
        .SYNOPSIS
        Says whether a trust policy you already have will let a GitHub Actions job in, and if not, why.

        .DESCRIPTION
        Reads the trust configuration of a relying party as its own CLI prints it and tests, for
        each subject, whether a GitHub Actions ID token with that sub (and audience, issuer and
        claims) would be accepted, before the cloud or the registry answers
        "Not authorized to perform sts:AssumeRoleWithWebIdentity", "AADSTS700213" or a 401:

        - Aws: an IAM role ('aws iam get-role', with or without the Role wrapper, URL-encoded or
          not) or its trust policy document: every statement, Deny before Allow, the Federated
          principal against the issuer, StringEquals/StringLike/StringNotEquals/StringNotLike,
          ForAnyValue:/ForAllValues:, the :aud, :sub and other claim keys.
        - Azure: one federated identity credential or a list ('az ad app federated-credential
          list'), flexible credentials (claimsMatchingExpression) included; warns past Entra's
          limit of 20 credentials per application.
        - Gcp: a workload identity pool provider ('gcloud iam workload-identity-pools providers
          describe --format=json'): attributeMapping, then the common CEL forms of
          attributeCondition; anything else is "cannot evaluate", never allowed.
        - Vault: a JWT role ('vault read -format=json auth/jwt/role/NAME'): bound_subject,
          bound_claims (glob or string), bound_audiences.
        - Npm, PyPI, Crates (crates.io), RubyGems (RubyGems.org), NuGet (NuGet.org): a trusted
          publisher as the registry records it (owner, repository, workflow file, environment,
          owner ID; NuGet's owner/repository/workflow/environment/ownerId/repositoryId), with each
          registry's own rules: PyPI does not check sub (since pypi/warehouse#19422) and reads
          the workflow file of job_workflow_ref; crates.io reads workflow_ref (the caller);
          RubyGems.org and NuGet.org read job_workflow_ref; names and environments are compared
          the way each registry compares them.

        Each result says Allowed; for a denial, Reasons name each failing condition with the
        expected and the actual value (and why they differ: immutable subjects, letter case, a
        renamed or transferred repository, an enterprise-scoped issuer) and Suggestion names the
        smallest change that admits the job. A result that cannot be decided (a condition on a
        claim you did not give, an unsupported expression) has Evaluable $false and is never
        Allowed: pass the claim with -Claim, or the job's token with -Token.

        Subjects are strings or Resolve-GitHubOidcSubject output, given with -Subject or through
        the pipeline; a Resolve-GitHubOidcSubject object also gives its Claims. When such an
        object has both a LegacySubject and an ImmutableSubject (the migration view), both are
        tested, one result each, and Form says which is which: a user sees, before opting in to
        immutable subjects, which policies would lock the repository out.

        Repositories (the migration view of a whole fleet): pipe Get-GitHubOidcRepository
        output (GitHubOidc.RepositoryState: Owner, Repository, RepositoryId, OwnerId,
        IncludeClaimKeys, Immutable, bound by property name), or give the same values as
        parameters. Each repository is tested with both its current subject and its immutable
        subject (Form Current and Immutable, Repository 'owner/name'), so a user sees, before
        opting in, which repositories a policy would lock out. The job is described as
        Resolve-GitHubOidcSubject describes it: -Branch, -Tag, -Ref, -PullRequest,
        -Environment, and -Claim for anything else; both subjects are computed by the native
        layer from the repository's keys and IDs.

        Without -Audience the provider's default is assumed, the same one
        New-GitHubOidcTrustPolicy writes. The issuer is the token's (-Token), else the context's
        (github.com: https://token.actions.githubusercontent.com), enterprise-scoped with
        -Enterprise. Evaluation happens in the native library; no request is made.

        .EXAMPLE
        Test-GitHubOidcTrustPolicy -Provider Aws -Policy (aws iam get-role --role-name deploy) -Subject 'repo:octo-org/octo-repo:ref:refs/heads/main'

        Would a push to main of octo-org/octo-repo be allowed to assume the IAM role "deploy"?

        .EXAMPLE
        $credentials = az ad app federated-credential list --id $appId
        Test-GitHubOidcTrustPolicy -Provider Azure -Policy $credentials -Subject 'repo:octo-org/octo-repo:environment:prod'

        Tests the federated credentials of an Entra ID application against a job in environment prod.

        .EXAMPLE
        Test-GitHubOidcTrustPolicy -Provider Gcp -Path provider.json -Subject 'repo:octo-org/octo-repo:ref:refs/heads/main' `
            -Claim @{ repository_owner_id = '123456' }

        Tests a GCP workload identity pool provider whose attributeCondition reads the owner ID.

        .EXAMPLE
        $role = vault read -format=json auth/jwt/role/deploy
        Test-GitHubOidcTrustPolicy -Provider Vault -Policy $role -Subject 'repo:octo-org/octo-repo:environment:prod' `
            -Claim @{ repository_owner = 'octo-org' }

        Tests a Vault JWT role (its default audience is https://github.com/OWNER, hence the owner claim).

        .EXAMPLE
        $publisher = @{ type = 'github'; repository = 'octo-org/octo-pkg'; file = 'publish.yml' }
        Test-GitHubOidcTrustPolicy -Provider Npm -Policy $publisher -Token $env:ID_TOKEN

        Would npm trusted publishing accept this token? Its sub, audience, issuer and claims are used (decoded, not verified).

        .EXAMPLE
        $publisher = @{
            repository_owner = 'octo-org'; repository_name = 'octo-pkg'; workflow_filename = 'release.yml'; environment = 'pypi'
        }
        $workflow = 'octo-org/octo-pkg/.github/workflows/release.yml@refs/tags/v1'
        Test-GitHubOidcTrustPolicy -Provider PyPI -Policy $publisher -Subject 'repo:octo-org/octo-pkg:environment:pypi' `
            -Audience pypi `
            -Claim @{ job_workflow_ref = $workflow }

        Tests a PyPI trusted publisher against a release job.

        .EXAMPLE
        Resolve-GitHubOidcSubject -Owner octo-org -Repository octo-repo -Branch main | Test-GitHubOidcTrustPolicy -Provider Aws -Path trust.json

        The migration view: tests the repository's name-based and immutable subject against a role trust policy.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org | Test-GitHubOidcTrustPolicy -Provider Aws -Path trust.json -Branch main |
            Group-Object Repository | Where-Object { -not ($_.Group | Where-Object Form -eq Immutable).Allowed }

        The migration view for a fleet: the repositories whose push to main the role would no
        longer let in once they use immutable subjects.

        .EXAMPLE
        [pscustomobject]@{ Owner = 'octo-org'; Repository = 'octo-repo'; RepositoryId = 456789; OwnerId = 123456; Immutable = $false } |
            Test-GitHubOidcTrustPolicy -Provider Azure -Policy $credentials -Environment prod

        The same for one repository described by hand (GitHub's default template, repo and context).

        .OUTPUTS
        GitHubOidc.TrustResult: Subject, Form (Legacy or Immutable for a Resolve-GitHubOidcSubject
        object; Current or Immutable for a repository), Allowed, Evaluable, MatchedBy, Reasons
        (GitHubOidc.TrustReason: Source, Condition, Operator, Expected, Actual, Note, Text),
        Suggestion, Warnings, Audience, Issuer, Provider, Repository (owner/name, for a repository).

        .NOTES
        Offline: the policy is evaluated by the native library and no request is made; a token
        is decoded, never verified, and never written to any stream. Policy-level warnings (e.g.
        Entra's 20-credential limit) are written once with Write-Warning; warnings about one job
        are in its result's Warnings.
        AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
        Azure: https://learn.microsoft.com/entra/workload-id/workload-identity-federation
        GCP: https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
        Vault: https://developer.hashicorp.com/vault/docs/auth/jwt

        .LINK
        New-GitHubOidcTrustPolicy

        .LINK
        Resolve-GitHubOidcSubject

        .LINK
        Get-GitHubOidcRepository
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '',
        Justification = 'Audience, Claim and Token are read in a nested script block, which the rule does not follow.')]
    [CmdletBinding(DefaultParameterSetName = 'Policy')]
    [OutputType('GitHubOidc.TrustResult')]
    param(
        # The kind of trust configuration: Aws, Azure, Gcp, Vault, Npm, PyPI, Crates, RubyGems or NuGet.
        [Parameter(Mandatory, Position = 0)]
        [ValidateSet('Aws', 'Azure', 'Gcp', 'Vault', 'Npm', 'PyPI', 'Crates', 'RubyGems', 'NuGet')]
        [string] $Provider,

        # The policy as the provider's CLI prints it: JSON text (lines are joined), or an object
        # or hashtable (e.g. parsed JSON output of the CLI), which is sent as JSON text.
        [Parameter(Mandatory, ParameterSetName = 'Policy')]
        [ValidateNotNull()]
        [object] $Policy,

        # A file holding the policy as JSON text.
        [Parameter(Mandatory, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        # The subjects (sub) to test: strings, or Resolve-GitHubOidcSubject output (its Subject,
        # its Claims, and both its LegacySubject and ImmutableSubject when it has both).
        # Optional with -Token: the token's own sub is tested.
        [Parameter(Position = 1, ValueFromPipeline)]
        [ValidateNotNull()]
        [object[]] $Subject,

        # The audience (aud) the workflow requests. Omitted: the token's, else the provider's
        # default (Aws sts.amazonaws.com, Azure api://AzureADTokenExchange, Gcp the provider's
        # resource name, Vault https://github.com/OWNER, Npm npm:registry.npmjs.org, PyPI pypi,
        # Crates crates.io, RubyGems rubygems.org, NuGet https://www.nuget.org).
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Audience,

        # Other claims a condition may test, as Resolve-GitHubOidcSubject -Claim takes them,
        # e.g. @{ job_workflow_ref = '...'; repository_id = '123' }. They win over a token's and
        # a piped object's claims of the same name.
        [Parameter()]
        [ValidateNotNull()]
        [System.Collections.IDictionary] $Claim,

        # An Actions OIDC ID token (JWT): its sub, aud, iss and every claim describe the job. It
        # is decoded, not verified. With -Subject too, each subject replaces the token's sub.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Token,

        # GitHub Enterprise Cloud: the tokens carry this enterprise's enterprise-scoped issuer
        # (ISSUER/<enterprise>, include_enterprise_slug).
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Enterprise,

        # Which instance issues the tokens (decides the issuer when no token gives it). Omitted:
        # GH_HOST if set, else github.com. A string is a host name; an object or hashtable may
        # carry HostName, ApiBaseUri, IssuerUri.
        [Parameter()]
        [object] $Context,

        # The migration view: the repository's owner, as Get-GitHubOidcRepository reports it
        # (bound by property name; with Repository, RepositoryId and OwnerId).
        # Not validated here: other piped objects (Resolve-GitHubOidcSubject output) may carry an
        # empty Owner; a repository is tested only when Owner, Repository and both IDs are set.
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Organization', 'User', 'Org')]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Owner,

        # The migration view: the repository's name as GitHub spells it.
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Repo')]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Repository,

        # The migration view: the repository's numeric ID (repository_id).
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [Nullable[long]] $RepositoryId,

        # The migration view: the owner's numeric ID (repository_owner_id).
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [Nullable[long]] $OwnerId,

        # The migration view: the repository's effective template keys (omitted: GitHub's
        # default, repo, context).
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [AllowEmptyCollection()]
        [string[]] $IncludeClaimKeys,

        # The migration view: whether the repository's tokens use the immutable subject now
        # (Get-GitHubOidcRepository's Immutable).
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [object] $Immutable,

        # The migration view: the job runs on this branch (ref refs/heads/BRANCH, event push).
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Branch,

        # The migration view: the job runs on this tag (ref refs/tags/TAG, event push).
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Tag,

        # The migration view: the job's full git ref, e.g. refs/heads/main.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Ref,

        # The migration view: the job runs for this pull request number (event pull_request).
        [Parameter()]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $PullRequest,

        # The migration view: the deployment environment the job references.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Environment
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -NoToken -Cmdlet $PSCmdlet
        $policyText = Read-GitHubOidcPolicyText -Policy $Policy -Path $Path -Provider $Provider -Cmdlet $PSCmdlet
        $tested = 0
        # Policy-level warnings are written once, not once per pipeline item.
        $seen = @{ Warned = $false }

        # One native call per pipeline item, so results stream.
        $test = {
            param([object[]] $Jobs, [object[]] $Forms, [string] $RepositoryName, [GitHubOidc.Native.TrustRepository] $Repo)
            $request = [GitHubOidc.Native.TestTrustPolicyRequest]@{
                Provider   = $Provider
                Policy     = $policyText
                Jobs       = [GitHubOidc.Native.TrustJob[]]$Jobs
                Context    = $state.Context
                Enterprise = $Enterprise
                Repository = $Repo
            }
            if ($Repo) {
                # One repository of a pipeline: its subject may not compute (an error naming it),
                # and the pipeline goes on.
                $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $RepositoryName
                if ($null -eq $answer) { return }
            } else {
                $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $Provider -Terminating
            }
            if (-not $seen.Warned) {
                foreach ($warning in @($answer['warnings'] | Where-Object { $_ })) {
                    Write-Warning $warning
                }
                $seen.Warned = $true
            }
            $results = @($answer['results'])
            for ($i = 0; $i -lt $results.Count; $i++) {
                $r = $results[$i]
                $reasons = @(
                    foreach ($reason in @($r['reasons'] | Where-Object { $null -ne $_ })) {
                        [pscustomobject][ordered]@{
                            PSTypeName = 'GitHubOidc.TrustReason'
                            Source     = $reason['source']
                            Condition  = $reason['condition']
                            Operator   = $reason['operator']
                            Expected   = $reason['expected']
                            Actual     = $reason['actual']
                            Note       = $reason['note']
                            Text       = $reason['text']
                        }
                    }
                )
                [pscustomobject][ordered]@{
                    PSTypeName = 'GitHubOidc.TrustResult'
                    Subject    = [string]$r['subject']
                    Form       = if ($r['form']) { [string]$r['form'] } else { $Forms[$i] }
                    Allowed    = [bool]$r['allowed']
                    Evaluable  = [bool]$r['evaluable']
                    MatchedBy  = $r['matched_by']
                    Reasons    = $reasons
                    Suggestion = $r['suggestion']
                    Warnings   = [string[]]@($r['warnings'] | Where-Object { $_ })
                    Audience   = $r['audience']
                    Issuer     = $r['issuer']
                    Provider   = $Provider
                    Repository = if ($RepositoryName) { $RepositoryName } else { $null }
                }
            }
        }

        $newJob = {
            param([string] $Sub, [System.Collections.IDictionary] $Claims)
            $all = [System.Collections.Generic.Dictionary[string, object]]::new()
            if ($Claims) { foreach ($key in $Claims.Keys) { $all["$key"] = $Claims[$key] } }
            if ($Claim) { foreach ($key in $Claim.Keys) { $all["$key"] = $Claim[$key] } }
            [GitHubOidc.Native.TrustJob]@{
                Subject  = $Sub
                Audience = $Audience
                Token    = $Token
                Claims   = if ($all.Count -gt 0) { $all } else { $null }
            }
        }
    }

    process {
        if ($Owner -and $Repository -and $RepositoryId -gt 0 -and $OwnerId -gt 0) {
            # The migration view for one repository (a GitHubOidc.RepositoryState from
            # Get-GitHubOidcRepository, bound by property name, or the same values given as
            # parameters): the native layer computes its current and its immutable subject from
            # the repository's keys and IDs and the job (-Branch, -Environment, ...), and tests both.
            $tested++
            $repo = [GitHubOidc.Native.TrustRepository]@{
                Owner               = $Owner
                Repository          = $Repository
                OwnerId             = $OwnerId
                RepositoryId        = $RepositoryId
                IncludeClaimKeys    = if ($IncludeClaimKeys) { [string[]]$IncludeClaimKeys } else { $null }
                UseImmutableSubject = [bool]$Immutable
                Branch              = $Branch
                Tag                 = $Tag
                Ref                 = $Ref
                Environment         = $Environment
            }
            if ($PSBoundParameters.ContainsKey('PullRequest')) { $repo.PullRequest = $PullRequest }
            & $test @(& $newJob $null $null) @($null) "$Owner/$Repository" $repo
            return
        }
        foreach ($item in $Subject) {
            $value = if ($item -is [System.Management.Automation.PSObject]) { $item.PSObject.BaseObject } else { $item }
            if ($value -is [string]) {
                if ([string]::IsNullOrWhiteSpace($value)) { continue }
                $tested++
                & $test @(& $newJob $value $null) @($null)
                continue
            }
            $object = [System.Management.Automation.PSObject]::AsPSObject($item)
            $main = $object.PSObject.Properties['Subject']
            if (-not $main -or [string]::IsNullOrWhiteSpace("$($main.Value)")) {
                $message = 'A subject must be a string or an object with a Subject property (from Resolve-GitHubOidcSubject), ' +
                "not [$($value.GetType().FullName)]."
                $PSCmdlet.WriteError((New-GitHubOidcErrorRecord -TargetObject $item -Message $message))
                continue
            }
            $claims = [ordered]@{}
            $given = $object.PSObject.Properties['Claims']
            if ($given -and $given.Value) {
                if ($given.Value -is [System.Collections.IDictionary]) {
                    foreach ($key in $given.Value.Keys) { $claims["$key"] = $given.Value[$key] }
                } else {
                    foreach ($property in $given.Value.PSObject.Properties) { $claims[$property.Name] = $property.Value }
                }
            }
            $legacy = $object.PSObject.Properties['LegacySubject']
            $immutable = $object.PSObject.Properties['ImmutableSubject']
            $tested++
            if ($legacy -and $immutable -and $legacy.Value -and $immutable.Value -and "$($legacy.Value)" -ne "$($immutable.Value)") {
                # The migration view: both forms, one result each.
                & $test @((& $newJob "$($legacy.Value)" $claims), (& $newJob "$($immutable.Value)" $claims)) @('Legacy', 'Immutable')
                continue
            }
            $form = $null
            $immutableFlag = $object.PSObject.Properties['Immutable']
            if ($immutableFlag -and $null -ne $immutableFlag.Value) {
                $form = if ($immutableFlag.Value) { 'Immutable' } else { 'Legacy' }
            }
            & $test @(& $newJob "$($main.Value)" $claims) @($form)
        }
    }

    end {
        if ($tested -eq 0) {
            if (-not $Token) {
                $PSCmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -TargetObject $Provider -Message (
                            'No subject was given: pass -Subject, pipe strings or Resolve-GitHubOidcSubject output, or pass -Token.')))
            }
            & $test @(& $newJob $null $null) @($null)
        }
    }
}
