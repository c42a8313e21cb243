function Export-GitHubOidcConfiguration {
    <#
        .SYNOPSIS
        Writes an organization's OIDC subject settings as a desired-state file.

        .DESCRIPTION
        Reads every repository of the organization (the same inventory as Get-GitHubOidcRepository,
        with progress; Ctrl+C stops it) and writes the organization's template and every repository
        that is not on GitHub's default template (its own keys, the organization's template, or the
        immutable-subject flag set) as a desired-state file: JSON, or a PowerShell data file when
        -Path ends in .psd1. The JSON file names its JSON Schema in "$schema", so editors complete
        and check it (the module ships the schema as GitHubOidc.DesiredState.schema.json).

        Edit the file, see what would change with Compare-GitHubOidcConfiguration, and apply it with
        Sync-GitHubOidcConfiguration. Compare right after Export reports nothing.

        Archived repositories are left out unless -IncludeArchived. A repository that could not be
        read is an error record (it is not in the file). An existing file is not overwritten without
        -Force.

        The file's format:
        - Owner: the organization.
        - Organization: IncludeClaimKeys and UseImmutableSubject of the organization's template.
        - Repositories: name or wildcard (* and ?) -> Source (Default, Organization or Repository),
          IncludeClaimKeys (with Source Repository) and UseImmutableSubject (GitHub's flag). Per
          property (the template; the flag), the most specific matching entry that sets it wins: an
          exact name, then the wildcard with more literal characters, then "*" (the rest). A
          property no entry sets is not managed.

        .PARAMETER Owner
        The organization (or user). Aliases: Organization, User, Org.

        .PARAMETER Path
        The file to write: .json (default format) or .psd1.

        .PARAMETER IncludeArchived
        Write archived repositories too.

        .PARAMETER Force
        Overwrite an existing file.

        .PARAMETER PassThru
        Return the written file.

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
        Export-GitHubOidcConfiguration -Owner octo-org -Path ./oidc.json

        Writes octo-org's settings to oidc.json.

        .EXAMPLE
        Export-GitHubOidcConfiguration -Owner octo-org -Path ./oidc.psd1 -IncludeArchived -Force

        Writes a PowerShell data file, archived repositories included, over an existing file.

        .OUTPUTS
        None, or the file (System.IO.FileInfo) with -PassThru.

        .NOTES
        Reads: GET /orgs/{org}/repos (every page), GET /orgs/{org}/actions/oidc/customization/sub once,
        GET /repos/{owner}/{repo}/actions/oidc/customization/sub per repository, concurrently
        (Get-GitHubOidcRepository's inventory). Permissions: "Metadata" and "Actions" repository
        permissions (read) and "Administration" organization permission (read), or read:org and repo.

        .LINK
        Compare-GitHubOidcConfiguration

        .LINK
        Sync-GitHubOidcConfiguration
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([System.IO.FileInfo])]
    param(
        # The organization (or user) to export.
        [Parameter(Mandatory, Position = 0)]
        [Alias('Organization', 'User', 'Org')]
        [ValidateNotNullOrEmpty()]
        [string] $Owner,

        # The file to write (.json or .psd1).
        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        # Write archived repositories too.
        [Parameter()]
        [switch] $IncludeArchived,

        # Overwrite an existing file.
        [Parameter()]
        [switch] $Force,

        # Return the written file.
        [Parameter()]
        [switch] $PassThru,

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
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        if ((Test-Path -LiteralPath $file) -and -not $Force) {
            $PSCmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -Message "The file '$file' exists. Pass -Force to overwrite it." `
                        -Category ResourceExists -TargetObject $file))
        }
        $format = if ([System.IO.Path]::GetExtension($file) -eq '.psd1') { 'psd1' } else { 'json' }
        $options = [GitHubOidc.Native.InventoryOptions]@{ Owner = $Owner; IncludeArchived = $IncludeArchived.IsPresent }
        $request = [GitHubOidc.Native.ConfigExportRequest]@{ IncludeArchived = $IncludeArchived.IsPresent; Format = $format }
        $answer = Invoke-GitHubOidcInventory -Options $options -State $state -Cmdlet $PSCmdlet -Activity 'Exporting OIDC settings' `
            -Then $request -ThenTarget $Owner -MaxRateLimitWait $MaxRateLimitWait
        if ($PSCmdlet.ShouldProcess($file, "Write the desired state of $Owner ($($answer['repositories']) repositories)")) {
            [System.IO.File]::WriteAllText($file, $answer['text'], [System.Text.UTF8Encoding]::new($false))
            Write-Verbose "GitHubOidc: wrote $file ($($answer['repositories']) repository entries)."
            if ($PassThru) { Get-Item -LiteralPath $file }
        }
    }
}
