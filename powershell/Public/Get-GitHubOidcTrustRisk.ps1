function Get-GitHubOidcTrustRisk {
    <#
        .SYNOPSIS
        Audits a trust configuration for who else gets in: the jobs it admits beyond the ones it was meant for.

        .DESCRIPTION
        Test-GitHubOidcTrustPolicy answers "will my job be let in?". This command answers the
        reverse: "who else will be let in?". It reads a trust configuration in the same forms
        Test-GitHubOidcTrustPolicy reads (an AWS role, Entra federated credentials, a GCP
        workload identity pool provider, a Vault JWT role, an npm, PyPI, crates.io, RubyGems.org
        or NuGet.org trusted publisher), builds the tokens an attacker could obtain (a workflow in
        another owner's repository, in a look-alike owner, in another repository of the owner, in
        a re-created repository with the same names and new IDs, on another branch, in a pull
        request, with another audience) and runs each through the same evaluator as Test-GitHubOidcTrustPolicy. It writes one
        GitHubOidc.TrustRisk per kind of token that gets in, with that token as Example:

        - AnyRepository (High): any repository on GitHub gets in.
        - LookAlikeOwner (High): a wildcard inside the owner admits other owners.
        - AnyRepositoryOfOwner (Medium): every repository of the owner gets in.
        - NameBasedSubject (Medium): names, not IDs, are matched, so a future holder of the owner
          or repository name gets in (Low for npm, which cannot pin IDs).
        - AnyRef (Medium): any branch gets in (no ref or environment limit).
        - PullRequest (Medium): jobs triggered by pull requests get in.
        - NoAudience (Low): a token for another audience gets in.
        - CannotEvaluate (Low): part of the configuration is not supported, so the audit is partial.

        A configuration pinned to one repository's immutable subject, one ref or environment, and
        the expected audience yields no High or Medium risk. The intended scope is -Owner and
        -Repository (also from the pipeline, e.g. Get-GitHubOidcRepository output), else the
        first owner and repository the configuration names. Suggestions name the immutable
        subject with the IDs when they are known (-OwnerId/-RepositoryId, a piped repository,
        the configuration itself, or looked up with -Context), else with placeholders.
        Evaluation happens in the native library; no request is made unless -Context is given
        without the IDs.

        .EXAMPLE
        Get-GitHubOidcTrustRisk -Provider Aws -Path role.json -Owner octo-org -Repository api

        Audits an IAM role trust policy meant for octo-org/api.

        .EXAMPLE
        Get-GitHubOidcTrustRisk -Provider Aws -Policy (aws iam get-role --role-name deploy) | Where-Object Severity -ne Low

        The High and Medium risks of a role, its scope taken from the policy.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org -Repository api | Get-GitHubOidcTrustRisk -Provider Gcp -Path provider.json

        Audits a GCP provider for a repository; the suggestions carry its owner and repository IDs.

        .EXAMPLE
        Get-ChildItem roles/*.json | ForEach-Object {
            Get-GitHubOidcTrustRisk -Provider Aws -Path $_.FullName | Select-Object @{ n = 'File'; e = { $_.Name } }, Kind, Severity
        }

        Audits a folder of role trust policies in one line each.

        .EXAMPLE
        (Get-GitHubOidcTrustRisk -Provider Vault -Path role.json -Owner octo-org -Repository api)[0].Example

        The token (subject and claims) that the first risk proves gets in; pass it to
        Test-GitHubOidcTrustPolicy -Subject ... -Claim ... to see it admitted.

        .OUTPUTS
        GitHubOidc.TrustRisk: Kind, Severity (High, Medium, Low), Source (the statement,
        credential, condition or publisher that admits the example), Example
        (GitHubOidc.TrustRiskExample: Subject, Audience, Issuer, Claims), Explanation,
        Suggestion (in the provider's syntax), Provider, Owner, Repository.

        .NOTES
        Offline unless -Context is given without -OwnerId/-RepositoryId (then one
        Get-GitHubOidcRepository lookup). Claims of an Example not listed are absent from that
        token.

        .LINK
        Test-GitHubOidcTrustPolicy

        .LINK
        New-GitHubOidcTrustPolicy

        .LINK
        Get-GitHubOidcRepository
    #>
    [CmdletBinding(DefaultParameterSetName = 'Policy')]
    [OutputType('GitHubOidc.TrustRisk')]
    param(
        # The kind of trust configuration: Aws, Azure, Gcp, Vault, Npm, PyPI, Crates, RubyGems or NuGet.
        [Parameter(Mandatory, Position = 0)]
        [ValidateSet('Aws', 'Azure', 'Gcp', 'Vault', 'Npm', 'PyPI', 'Crates', 'RubyGems', 'NuGet')]
        [string] $Provider,

        # The configuration as the provider's CLI prints it: JSON text (lines are joined), or an
        # object or hashtable (e.g. parsed JSON), which is sent as JSON text.
        [Parameter(Mandatory, ParameterSetName = 'Policy')]
        [ValidateNotNull()]
        [object] $Policy,

        # A file holding the configuration as JSON text.
        [Parameter(Mandatory, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        # The intended owner (organization or user). Omitted: the first owner the
        # configuration names.
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Organization', 'User', 'Org')]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Owner,

        # The intended repository (NAME or OWNER/NAME). Omitted: the first repository the
        # configuration names; with -Owner alone every repository of the owner is intended.
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Repo')]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Repository,

        # The owner's numeric ID, for the immutable subject in suggestions.
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [Nullable[long]] $OwnerId,

        # The repository's numeric ID, for the immutable subject in suggestions.
        [Parameter(ValueFromPipelineByPropertyName)]
        [AllowNull()]
        [Nullable[long]] $RepositoryId,

        # Where to look up the owner's and repository's IDs when they are not given (a host
        # name, or an object with HostName, ApiBaseUri, Token...). Omitted: no lookup; the
        # suggestions use the configuration's IDs or placeholders.
        [Parameter()]
        [object] $Context
    )

    begin {
        $policyText = Read-GitHubOidcPolicyText -Policy $Policy -Path $Path -Provider $Provider -Cmdlet $PSCmdlet
    }

    process {
        $ownerIdText = if ($null -ne $OwnerId) { [string]$OwnerId } else { $null }
        $repositoryIdText = if ($null -ne $RepositoryId) { [string]$RepositoryId } else { $null }
        if ($PSBoundParameters.ContainsKey('Context') -and $Owner -and $Repository -and
            ($null -eq $ownerIdText -or $null -eq $repositoryIdText)) {
            $name = if ($Repository.Contains('/')) { $Repository.Split('/', 2)[1] } else { $Repository }
            $known = Get-GitHubOidcRepository -Owner $Owner -Repository $name -Context $Context -ErrorAction SilentlyContinue |
                Select-Object -First 1
            if ($known) {
                if ($null -eq $ownerIdText -and $known.OwnerId) { $ownerIdText = [string]$known.OwnerId }
                if ($null -eq $repositoryIdText -and $known.RepositoryId) { $repositoryIdText = [string]$known.RepositoryId }
            } else {
                Write-Warning "The IDs of $Owner/$name could not be read; the suggestions use placeholders."
            }
        }
        $request = [GitHubOidc.Native.TrustRiskRequest]@{
            Provider     = $Provider
            Policy       = $policyText
            Owner        = if ($Owner) { $Owner } else { $null }
            Repository   = if ($Repository) { $Repository } else { $null }
            OwnerId      = $ownerIdText
            RepositoryId = $repositoryIdText
        }
        $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $Provider -Terminating
        foreach ($risk in @($answer['risks'] | Where-Object { $null -ne $_ })) {
            $example = $null
            if ($risk['example']) {
                $e = $risk['example']
                $claims = [ordered]@{}
                foreach ($key in @($e['claims'].Keys | Sort-Object)) {
                    $claims[$key] = [string]$e['claims'][$key]
                }
                $example = [pscustomobject][ordered]@{
                    PSTypeName = 'GitHubOidc.TrustRiskExample'
                    Subject    = [string]$e['subject']
                    Audience   = $e['audience']
                    Issuer     = [string]$e['issuer']
                    Claims     = $claims
                }
            }
            [pscustomobject][ordered]@{
                PSTypeName  = 'GitHubOidc.TrustRisk'
                Kind        = [string]$risk['kind']
                Severity    = [string]$risk['severity']
                Source      = $risk['source']
                Example     = $example
                Explanation = [string]$risk['explanation']
                Suggestion  = [string]$risk['suggestion']
                Provider    = $Provider
                Owner       = $answer['owner']
                Repository  = $answer['repository']
            }
        }
    }
}
