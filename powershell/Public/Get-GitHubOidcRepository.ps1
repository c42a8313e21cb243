function Get-GitHubOidcRepository {
    <#
        .SYNOPSIS
        Inventories the OIDC subject settings of every repository of an organization (or user).

        .DESCRIPTION
        Lists the owner's repositories (GET /orgs/{org}/repos, following GitHub's Link headers;
        a user account is listed with GET /users/{user}/repos, a GitHub App installation that
        may not list the organization with GET /installation/repositories) and reads each
        repository's subject template, concurrently in the native library: at most
        -ThrottleLimit requests are in flight (default 8, at most 32). The organization's
        template is read once.

        Each repository is one GitHubOidc.RepositoryState object, written as soon as it is read:
        Owner, Repository, RepositoryId, OwnerId, Visibility, Archived, Source (Default: GitHub's
        default template; Organization: opted in to the organization's template; Repository: its
        own keys), IncludeClaimKeys (the effective keys, whatever the source), OwnClaimKeys,
        UseDefault, UseImmutableSubject (GitHub's opt-in flag), SubClaimPrefix, Immutable (the
        subject a token gets now uses IDs; from SubClaimPrefix when GitHub reports it, which wins
        over the flag), ImmutablePrefix (repo:OWNER@OWNER_ID/REPO@REPO_ID) and LegacyPrefix
        (repo:OWNER/REPO).

        A repository whose read fails is a non-terminating GitHubOidc.* error whose target is
        the repository; every other repository is still written (objects + errors = repositories
        listed). A -Repository name without wildcards that matches no repository is a
        GitHubOidc.NotFound error. Archived repositories are skipped unless -IncludeArchived, or named exactly in -Repository.

        Rate limits: requests keep under GitHub's secondary limit of 900 points a minute per
        token (a GET costs 1 point, a write 5; shared by every command of the session that uses
        the token; the context's PointsPerMinute changes it, 0 turns it off). When GitHub still
        answers 429 or a secondary rate limit, the whole run pauses, sending nothing, for the
        retry-after GitHub names (one minute when it names none), then reads the refused
        repositories again; when x-ratelimit-remaining runs low, requests are spaced so the
        budget lasts until the reset. A wait longer than -MaxRateLimitWait (default 5 minutes)
        stops the run at once: every repository not yet read is a GitHubOidc.RateLimited error
        naming the reset. Write-Progress shows the repositories done and the rate-limit state
        ("Rate limited by GitHub; resuming at 14:03:10"). Ctrl+C stops the run within a second,
        also during a pause: no request is sent after it.

        Repeat runs: every answer's ETag is kept (per host and credential, never shared between
        tokens or Apps) and sent back as If-None-Match; GitHub answers an unchanged repository
        304 Not Modified, which does not count against the primary rate limit, and the kept
        answer is used. A repository changed since is read whole. The cache lives in memory for
        the session; with the context key CachePath (a folder) it is also written there (one
        file per host and credential, readable only by you), so the next pwsh reuses it. -Verbose
        says how many answers came from the cache; a GitHubOidc.RunSummary object (Owner,
        Repositories, Failed, Answers, FromCache, RateLimitRemaining, RateLimitLimit) goes to the
        information stream (-InformationVariable).

        .PARAMETER Owner
        The organization (or user) whose repositories to inventory. Aliases: Organization, User, Org.

        .PARAMETER Repository
        Repository names or wildcards (* and ?), case-insensitive. Omitted: every repository.

        .PARAMETER IncludeArchived
        Also inventory archived repositories (skipped by default, unless named exactly in -Repository).

        .PARAMETER ThrottleLimit
        Requests in flight at most: 1 to 32 (default 8).

        .PARAMETER MaxRateLimitWait
        The longest the run waits when GitHub rate-limits it: a TimeSpan or seconds (default 5
        minutes). While GitHub's limit holds, the whole run pauses and sends nothing; a longer
        wait (a primary limit that resets in an hour) stops the run at once, and every
        repository not yet read is a GitHubOidc.RateLimited error that names the reset time.

        .PARAMETER Context
        Where to connect and with which token (see Get-GitHubOidcSubjectClaim). Omitted: GH_HOST
        if set, else github.com; the token comes from GH_TOKEN, GITHUB_TOKEN or 'gh auth token'.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org

        Every non-archived repository of octo-org with its effective subject template.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org | Where-Object { -not $_.Immutable } | Select-Object Repository, LegacyPrefix, ImmutablePrefix

        The immutable-subject migration inventory: the repositories whose tokens still carry the
        name-based repo:OWNER/REPO subject, with the immutable prefix their trust policies will
        need once they move (a rename, a transfer or an opt-in switches them).

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org | Group-Object Source, Immutable -NoElement

        How many repositories use GitHub's default, the organization's or their own template, in
        each subject format.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org -Repository 'api-*', web -ThrottleLimit 16 -ErrorVariable failed

        Only the repositories whose names start with api- and the one named web, 16 requests at a
        time; repositories that could not be read are in $failed.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org -Context @{ CachePath = '~/.cache/githuboidc' } -InformationVariable run | Out-Null; $run.MessageData

        An hourly drift check: the second and later runs (also from a new pwsh) are answered 304
        Not Modified for every unchanged repository. The summary shows how many answers came from
        the cache and the primary rate limit left.

        .INPUTS
        Objects with an Owner (or Organization, User, Org) property.

        .OUTPUTS
        GitHubOidc.RepositoryState

        .NOTES
        REST API: GET /orgs/{org}/repos, GET /orgs/{org}/actions/oidc/customization/sub,
        GET /repos/{owner}/{repo}/actions/oidc/customization/sub.
        Permissions: Metadata (read) and Actions (read) on the repositories, Administration
        (read) on the organization; classic scopes repo and read:org.

        .LINK
        Get-GitHubOidcSubjectClaim

        .LINK
        New-GitHubOidcTrustPolicy
    #>
    [CmdletBinding()]
    [OutputType('GitHubOidc.RepositoryState')]
    param(
        # The organization (or user) whose repositories to inventory.
        [Parameter(Mandatory, ValueFromPipelineByPropertyName, Position = 0)]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # Repository names or wildcards (* and ?); omitted: every repository.
        [Parameter(Position = 1)]
        [Alias('Repo')]
        [string[]] $Repository,

        # Also inventory archived repositories.
        [Parameter()]
        [switch] $IncludeArchived,

        # Requests in flight at most: 1 to 32 (default 8); checked by the native library.
        [Parameter()]
        [int] $ThrottleLimit,

        # The longest the run waits for GitHub's rate limits: a TimeSpan or seconds (default 5 minutes).
        [Parameter()]
        [object] $MaxRateLimitWait,

        # Where to connect and with which token: a host name, or an object with HostName, ApiBaseUri, Token, ...
        [Parameter()]
        [object] $Context
    )

    begin {
        $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
    }

    process {
        $options = [GitHubOidc.Native.InventoryOptions]@{
            Owner           = $Owner
            Repositories    = [string[]] @($Repository | Where-Object { $_ })
            IncludeArchived = [bool] $IncludeArchived
        }
        if ($PSBoundParameters.ContainsKey('ThrottleLimit')) {
            # Out-of-range values go to Rust as they are, so Rust refuses them (0 and negative too).
            $options.ThrottleLimit = [uint32] [math]::Max(0, $ThrottleLimit)
        }
        # Streams each state as it arrives; the job is closed in a finally block (Ctrl+C cancels it).
        Invoke-GitHubOidcInventory -Options $options -State $state -Cmdlet $PSCmdlet -Activity 'Inventory' -Stream `
            -MaxRateLimitWait $MaxRateLimitWait
    }
}
