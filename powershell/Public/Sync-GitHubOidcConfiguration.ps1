function Sync-GitHubOidcConfiguration {
    <#
        .SYNOPSIS
        Applies a desired-state file to an organization: exactly what Compare-GitHubOidcConfiguration reports.

        .DESCRIPTION
        Always starts from Compare (the file is checked before any request, then every repository of
        the file's Owner is read), so it is resumable: run it again after an interruption and it
        applies only what still differs.

        Each target that differs (the organization's template first, then each repository) is one
        write: a PUT of the whole template, carrying the live value of every property the file does
        not mention, so nothing else changes. Each write is its own ShouldProcess showing the exact
        request (method, URL, body) from a dry run, and what is sent after the confirmation is
        exactly that request; -WhatIf sends no write at all. Writes are serial and paced: at least
        -WriteInterval between two writes (default: GitHub's one second between mutating
        requests). Ctrl+C stops between writes.

        One GitHubOidc.SyncResult per write: Owner, Repository (empty for the organization),
        Properties (what it changes), Status (Applied, Skipped, Failed), Request, and ErrorRecord
        when it failed (the error is also written to the error stream). A repository that could not
        be read is an error record and is not written.

        .PARAMETER Path
        The desired-state file (.json or .psd1).

        .PARAMETER IncludeArchived
        Apply to archived repositories too.

        .PARAMETER WriteInterval
        The least time between two writes: a TimeSpan, or seconds (default: 1 second, what GitHub
        asks for between mutating requests).

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
        Sync-GitHubOidcConfiguration -Path ./oidc.json -WhatIf

        Shows every write (the exact PUT) that would make the organization match oidc.json; sends none.

        .EXAMPLE
        Sync-GitHubOidcConfiguration -Path ./oidc.json -Confirm:$false

        Applies the file without asking, one write per second.

        .EXAMPLE
        Sync-GitHubOidcConfiguration -Path ./oidc.psd1 -WriteInterval 2 | Where-Object Status -eq Failed

        Applies a PowerShell data file with two seconds between writes and lists the writes that failed.

        .OUTPUTS
        GitHubOidc.SyncResult

        .NOTES
        Permissions: organization template PUT: "Administration" organization permission (write) or
        write:org; repository PUT: "Actions" repository permission (write) or repo.

        .LINK
        Compare-GitHubOidcConfiguration

        .LINK
        Export-GitHubOidcConfiguration
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType('GitHubOidc.SyncResult')]
    param(
        # The desired-state file (.json or .psd1).
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        # Apply to archived repositories too.
        [Parameter()]
        [switch] $IncludeArchived,

        # The least time between two writes: a TimeSpan, or seconds (default: GitHub's one second).
        [Parameter()]
        [ValidateNotNull()]
        [object] $WriteInterval,

        # The longest the run waits for GitHub's rate limits: a TimeSpan or seconds (default 5 minutes).
        [Parameter()]
        [object] $MaxRateLimitWait,

        # Where to connect and with which token: a host name, or an object with HostName, ApiBaseUri, Token, ...
        [Parameter()]
        [object] $Context
    )

    begin {
        $interval = $null
        if ($PSBoundParameters.ContainsKey('WriteInterval')) {
            $interval = ConvertTo-GitHubOidcTimeSpan -Value $WriteInterval -Name WriteInterval -Cmdlet $PSCmdlet
        }
        $state = Initialize-GitHubOidcContext -Context $Context -RequireToken -Cmdlet $PSCmdlet
    }

    end {
        $file = Read-GitHubOidcConfigurationFile -Path $Path -Cmdlet $PSCmdlet
        $plan = Get-GitHubOidcConfigurationPlan -File $file -IncludeArchived:$IncludeArchived -State $state -Cmdlet $PSCmdlet `
            -Activity 'Synchronising OIDC settings' -MaxRateLimitWait $MaxRateLimitWait
        # Writes are paced by the native layer (GitHub's second between writes of a token, or
        # -WriteInterval): the writes' context says how far apart.
        $writeContext = $state.Context
        if ($null -ne $interval) {
            $writeContext = $state.Context.Copy()
            $writeContext.WriteIntervalSec = $interval.TotalSeconds
        }

        foreach ($write in @($plan['writes'])) {
            $repository = $write['repository']
            $target = if ($repository) { "$($write['owner'])/$repository" } else { $write['owner'] }
            $what = if ($repository) { "repository [$target]" } else { "organization [$target]" }
            $properties = [string[]]@($write['properties'])
            $request = [GitHubOidc.Native.SetSubjectClaimRequest]@{
                Context             = $writeContext
                Owner               = $write['owner']
                Repository          = $repository
                UseDefault          = $write['use_default']
                IncludeClaimKeys    = if ($null -ne $write['include_claim_keys']) { [string[]]@($write['include_claim_keys']) } else { $null }
                UseImmutableSubject = $write['use_immutable_subject']
            }
            $failures = [System.Collections.Generic.List[object]]::new()
            $result = [ordered]@{
                PSTypeName  = 'GitHubOidc.SyncResult'
                Owner       = $write['owner']
                Repository  = $repository
                Properties  = $properties
                Status      = 'Skipped'
                Request     = $null
                ErrorRecord = $null
            }

            # The dry run checks everything and answers the exact request; nothing is sent.
            $sending = Get-GitHubOidcWritePlan -Request $request -Cmdlet $PSCmdlet -TargetObject $target -Failures $failures
            $result.Request = $sending
            if (-not $sending) {
                $result.Status = 'Failed'
                $result.ErrorRecord = $failures | Select-Object -First 1
            } elseif ($PSCmdlet.ShouldProcess("OIDC subject claim for $what", "Set $($properties -join ', ') ($sending)")) {
                $answer = Invoke-GitHubOidcNative -Request $request -Cmdlet $PSCmdlet -TargetObject $target -Failures $failures
                if ($null -ne $answer) {
                    $result.Status = 'Applied'
                } else {
                    $result.Status = 'Failed'
                    $result.ErrorRecord = $failures | Select-Object -First 1
                }
            }
            [pscustomobject]$result
        }
    }
}
