function Compare-GitHubOidcConfiguration {
    <#
        .SYNOPSIS
        Compares a desired-state file with an organization's live OIDC subject settings: the drift report.

        .DESCRIPTION
        Checks the file first (before any request): unknown fields, wrong types, unknown claim keys
        and contradicting entries are errors that name the entry. Then reads every repository of the
        file's Owner (with progress; Ctrl+C stops it) and returns one
        GitHubOidc.ConfigurationDifference per property whose live value differs from the file:
        Owner, Repository (empty for the organization's template), Property (IncludeClaimKeys,
        Source or UseImmutableSubject), Current, Desired, Action (Update, Reset, OptIn, OptOut) and
        Entry (the file entry that decided it). Nothing is returned when live equals desired.

        A repository named exactly in the file that does not exist is an error naming the entry, and
        nothing is compared. A repository that could not be read is an error record (nothing is
        dropped silently). Archived repositories are left out unless -IncludeArchived.

        The file is JSON, or a PowerShell data file (.psd1) with the same names (see
        Export-GitHubOidcConfiguration for the format).

        .PARAMETER Path
        The desired-state file (.json or .psd1).

        .PARAMETER IncludeArchived
        Compare archived repositories too.

        .PARAMETER MaxRateLimitWait
        The longest the run waits when GitHub rate-limits it: a TimeSpan or seconds (default 5
        minutes). While GitHub's limit holds, the whole run pauses and sends nothing; a longer
        wait (a primary limit that resets in an hour) stops the run at once, and every
        repository not yet read is a GitHubOidc.RateLimited error that names the reset time.

        .PARAMETER Context
        Where to connect and with which token. Omitted: GH_HOST if set, else github.com. A string
        is a host name. An object or hashtable may carry HostName, ApiBaseUri, IssuerUri, Token
        (string or SecureString), TimeoutSec, MaxRetries and MaxRetryWaitSec; PSModule/GitHub
        context objects work as they are. Without a token in the context the token comes from
        GH_TOKEN, then GITHUB_TOKEN, then 'gh auth token'.

        .EXAMPLE
        Compare-GitHubOidcConfiguration -Path ./oidc.json

        Lists what differs between oidc.json and the organization it names.

        .EXAMPLE
        Compare-GitHubOidcConfiguration -Path ./oidc.psd1 | Where-Object Property -eq UseImmutableSubject

        Shows only the repositories whose immutable-subject flag differs.

        .OUTPUTS
        GitHubOidc.ConfigurationDifference

        .NOTES
        Reads: GET /orgs/{org}/repos (every page), GET /orgs/{org}/actions/oidc/customization/sub once,
        GET /repos/{owner}/{repo}/actions/oidc/customization/sub per repository, concurrently
        (Get-GitHubOidcRepository's inventory). Permissions: "Metadata" and "Actions" repository
        permissions (read) and "Administration" organization permission (read), or read:org and repo.

        .LINK
        Export-GitHubOidcConfiguration

        .LINK
        Sync-GitHubOidcConfiguration
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.ConfigurationDifference')]
    param(
        # The desired-state file (.json or .psd1).
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        # Compare archived repositories too.
        [Parameter()]
        [switch] $IncludeArchived,

        # The longest the run waits for GitHub's rate limits: a TimeSpan or seconds (default 5 minutes).
        [Parameter()]
        [object] $MaxRateLimitWait,

        # Where to connect and with which token: a host name, or an object with HostName, ApiBaseUri, Token, ...
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -Cmdlet $PSCmdlet
    }

    end {
        $file = Read-GitHubOidcConfigurationFile -Path $Path -Cmdlet $PSCmdlet
        $plan = Get-GitHubOidcConfigurationPlan -File $file -IncludeArchived:$IncludeArchived -State $state -Cmdlet $PSCmdlet `
            -Activity 'Comparing OIDC settings' -MaxRateLimitWait $MaxRateLimitWait
        foreach ($difference in @($plan['differences'])) {
            ConvertTo-GitHubOidcConfigurationDifference -Answer $difference
        }
    }
}
