function Initialize-GitHubOidcContext {
    <#
        .SYNOPSIS
        Resolves -Context once per command (begin block) and checks it with the native layer.

        .DESCRIPTION
        Returns an object with Context (the GitHubOidcContext to pass in requests), Info (the
        resolved host name, kind, API base and issuer, from Rust) and Target (the host name).
        When the context carries no token (and -NoToken is not given), the token comes from the
        environment variables the native layer names for this kind of host (GitHub Enterprise
        Server: GH_ENTERPRISE_TOKEN and GITHUB_ENTERPRISE_TOKEN first, then GH_TOKEN and
        GITHUB_TOKEN), then from 'gh auth token --hostname HOST' when gh is installed.
        TokenSource records where it came from; the token is never written to any stream.
        Returns an ErrorRecord (GitHubOidc.InvalidArgument, ...) instead when the context cannot be
        used; with -Cmdlet that record is thrown as the calling command's terminating error. With
        -RequireToken a context without a token fails here, before any request, with a message
        that says how to provide one. A context with a GitHub App (the native layer answers its
        description in Info.app) needs no token and none is looked up: requests use the App's
        installation tokens.

        The resolution is remembered for the next command (one entry, in the module's scope):
        given the same -Context again (none, the same host name, or a hashtable with the same
        entries, compared by GitHubOidc.Native.ContextSnapshot) while GH_HOST and the token
        variables hold the same values, that command gets the same object without shaping the
        value or asking the native layer again. Not remembered: a token from gh or no token
        (gh may answer differently later), a PrivateKeyPath (relative to the current location),
        a relative CachePath (the same), and any other kind of value (objects, SecureStrings),
        which are resolved every time. Warnings about the context's cache file (corrupt, of
        another version) are written once, when the context is resolved, not with each command.
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '',
        Justification = 'Context, NoToken and RequireToken are read in the body''s script block, which the rule does not follow.')]
    [CmdletBinding()]
    [OutputType([pscustomobject], [System.Management.Automation.ErrorRecord])]
    param(
        # What the user passed as -Context.
        [Parameter()]
        [AllowNull()]
        [object] $Context,

        # Do not look up a token (discovery, completion).
        [Parameter()]
        [switch] $NoToken,

        # Fail when no token is found.
        [Parameter()]
        [switch] $RequireToken,

        # The calling command: a context that cannot be used is its terminating error.
        [Parameter()]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    # The same -Context as the command before (a host name, a hashtable of plain values, or
    # none) in the same environment: that command's resolution, without shaping the value and
    # asking the native layer again (this runs on every command; issue 10).
    $cache = $script:GitHubOidcContextCache
    if ($null -ne $cache -and ($cache.HasCredential -or -not $RequireToken) -and $cache.Snapshot.Matches($Context, [bool]$NoToken)) {
        if ($VerbosePreference -ne 'SilentlyContinue') {
            Write-Verbose $cache.Verbose
        }
        foreach ($warning in $cache.Warnings) { Write-Warning $warning }
        return $cache.State
    }

    # The body runs in a script block (not a second call of this function): this runs on every
    # command, and an advanced function call costs more than the rest of it.
    $state = & {
        # The value shaped in C# (GitHubOidc.Native.ContextResolver): this runs on the first
        # command of every session, and compiling the same rules as a script cost far more.
        # Paths are made absolute against the current location, PSDrives included.
        $resolution = [GitHubOidc.Native.ContextResolver]::Resolve($Context, [bool]$NoToken, $ExecutionContext.SessionState.Path)
        if ($null -ne $resolution.Error) {
            return Get-GitHubOidcContextError $resolution.Error
        }
        $resolved = $resolution.Context
        # Proxy and certificate variables as this session sees them (Rust names them).
        $resolved.Environment = [GitHubOidc.Native.ContextResolver]::NetworkEnvironment()
        $info = Invoke-GitHubOidcNative -Request ([GitHubOidc.Native.ContextRequest]@{ Context = $resolved })
        # Said once by the native layer (a corrupt cache file).
        $cacheWarnings = [System.Collections.Generic.List[string]]::new()
        if ($info -isnot [System.Exception]) { foreach ($w in @($info['cache_warnings'])) { if ($w) { $cacheWarnings.Add($w) } } }
        if ($info -is [System.Exception]) {
            # Not the context's text as the target: a host name that is really a token must not be echoed.
            return New-GitHubOidcErrorRecord -Exception $info -TargetObject 'Context' -Secret $resolved.Token
        }
        $app = $info['app']
        if (-not $NoToken -and -not $resolved.Token -and -not $app) {
            Find-GitHubOidcToken -Context $resolved -Variable ([string[]]@($info['token_variables'])) -GhHost ([string]$info['gh_host'])
        }
        $info['has_token'] = [bool]$resolved.Token

        $hostName = [string]$info['host_name']
        if ($RequireToken -and -not $resolved.Token -and -not $app) {
            # The native layer's words (one wording for every host kind, also for its own check).
            return New-GitHubOidcErrorRecord -Message ([string]$info['missing_token_message']) -TargetObject $hostName `
                -Category ([System.Management.Automation.ErrorCategory]::AuthenticationError) `
                -RecommendedAction 'Give a token or a GitHub App in -Context, or set one of the token variables the message names.'
        }

        $source = if ($app) {
            " (GitHub App $($app['issuer']))"
        } elseif ($resolved.TokenSource) {
            " (token from $($resolved.TokenSource))"
        } else {
            ''
        }
        $proxy = if ($info['proxy']) { ", proxy $($info['proxy'])" } else { '' }
        $verbose = "GitHubOidc: $hostName, API $($info['api_base_uri']), issuer $($info['issuer_uri'])$proxy$source."
        if ($VerbosePreference -ne 'SilentlyContinue') {
            Write-Verbose $verbose
        }
        # An http:// URL allowed with AllowInsecureHttp: said on every call.
        $warnings = [string[]]@(foreach ($warning in @($info['warnings'])) { if ($warning) { $warning } })
        foreach ($warning in $warnings) { Write-Warning $warning }
        # A cache file that could not be read (corrupt, another version): said once, not on every call.
        foreach ($warning in $cacheWarnings) { Write-Warning $warning }
        $resolution = [pscustomobject]@{
            Context = $resolved
            Info    = $info
            Target  = $hostName
        }
        # Remembered for the next command unless the resolution depends on more than the value
        # and the environment: a token from gh (or none found: gh may have one later), or a key
        # file path (resolved against the current location).
        $credential = [bool]($app -or $resolved.Token)
        # A relative CachePath depends on the current location too.
        $relativeCache = $Context -is [System.Collections.IDictionary] -and $Context['CachePath'] -and
        -not [System.IO.Path]::IsPathRooted("$($Context['CachePath'])")
        $remembered = $NoToken -or $app -or ($resolved.Token -and $resolved.TokenSource -ne 'gh')
        if (-not $resolved.PrivateKeyPath -and -not $relativeCache -and $remembered) {
            $variables = [string[]]@(@('GH_HOST') + @($info['token_variables']) + @($info['network_variables']))
            $snapshot = [GitHubOidc.Native.ContextSnapshot]::Take($Context, [bool]$NoToken, $variables)
            $script:GitHubOidcContextCache = if ($snapshot) {
                [pscustomobject]@{ Snapshot = $snapshot; State = $resolution; Verbose = $verbose; HasCredential = $credential; Warnings = $warnings }
            }
        }
        $resolution
    }
    if ($Cmdlet -and $state -is [System.Management.Automation.ErrorRecord]) {
        $Cmdlet.ThrowTerminatingError($state)
    }
    $state
}
