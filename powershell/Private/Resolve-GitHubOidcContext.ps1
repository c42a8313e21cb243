function Resolve-GitHubOidcContext {
    <#
        .SYNOPSIS
        Turns what the user passed as -Context into a GitHubOidc.Native.GitHubOidcContext.

        .DESCRIPTION
        Accepts nothing (GH_HOST, else github.com), a host name string, a GitHubOidcContext, or any
        object or hashtable with some of HostName, ApiBaseUri, IssuerUri, Token (string or
        SecureString), TimeoutSec, MaxRetries, MaxRetryWaitSec, PointsPerMinute, Proxy, NoProxy,
        CaCertificatePath (made absolute here), AllowInsecureHttp and CachePath (the folder of the
        conditional-request cache, made absolute here). PSModule/GitHub context objects
        carry HostName, ApiBaseUri and Token and work as they are.

        A GitHub App instead of a token: ClientId (or AppId), PrivateKey (PEM text or a
        SecureString, which stays encrypted until the request is written for the native library)
        or PrivateKeyPath (resolved here against the current PowerShell location), and optionally
        InstallationId. Which of them are required, and what a valid key is, the native layer decides.

        This only shapes what the user gave: which host it is, where its token comes from and
        whether a host name looks like a token are decided by the native layer
        (Initialize-GitHubOidcContext asks it). The token itself is never written to any stream.

        An invalid context is returned as an ErrorRecord (GitHubOidc.InvalidArgument), not thrown:
        an exception caught on its way out of a nested function would be recorded in $Error and
        -ErrorVariable several times.

        With -NoToken any token in the context is dropped: discovery and argument completion
        never need one.
    #>
    [CmdletBinding()]
    [OutputType([GitHubOidc.Native.GitHubOidcContext], [System.Management.Automation.ErrorRecord])]
    param(
        # What the user passed as -Context.
        [Parameter()]
        [AllowNull()]
        [object] $Context,

        # Do not keep a token.
        [Parameter()]
        [switch] $NoToken
    )

    $result = [GitHubOidc.Native.GitHubOidcContext]::new()
    $value = $Context
    if ($value -is [System.Management.Automation.PSObject]) {
        $value = $value.PSObject.BaseObject
    }

    if ($null -eq $value) {
        $result.HostName = if ($env:GH_HOST) { $env:GH_HOST } else { 'github.com' }
    } elseif ($value -is [string]) {
        if ([string]::IsNullOrWhiteSpace($value)) {
            return Get-GitHubOidcContextError (
                'The context is an empty string. Pass a host name such as github.com, an object with HostName/ApiBaseUri/Token, or omit -Context.')
        }
        $result.HostName = $value.Trim()
    } elseif ($value -is [GitHubOidc.Native.GitHubOidcContext]) {
        foreach ($name in 'HostName', 'ApiBaseUri', 'IssuerUri', 'Token', 'TokenSource', 'TimeoutSec', 'MaxRetries', 'MaxRetryWaitSec',
            'ClientId', 'AppId', 'PrivateKey', 'PrivateKeySecret', 'PrivateKeyPath', 'InstallationId',
            'PointsPerMinute', 'Proxy', 'NoProxy', 'CaCertificatePath', 'AllowInsecureHttp', 'CachePath') {
            $result.$name = $value.$name
        }
    } else {
        # A dictionary is read as is; any other object through its PSObject (pscustomobject
        # properties live on the wrapper, not on the base object).
        $source = if ($value -is [System.Collections.IDictionary]) { $value } else { $Context }
        $names = 'HostName', 'ApiBaseUri', 'IssuerUri', 'TimeoutSec', 'MaxRetryWaitSec', 'MaxRetries', 'Token',
        'ClientId', 'AppId', 'PrivateKey', 'PrivateKeyPath', 'InstallationId',
        'PointsPerMinute', 'Proxy', 'NoProxy', 'CaCertificatePath', 'AllowInsecureHttp', 'CachePath'
        $members = Get-GitHubOidcContextMember -InputObject $source -Name $names
        foreach ($name in 'HostName', 'ApiBaseUri', 'IssuerUri', 'Proxy', 'NoProxy') {
            $item = $members[$name]
            if ($null -ne $item -and "$item" -ne '') {
                $result.$name = "$item"
            }
        }
        foreach ($name in 'TimeoutSec', 'MaxRetryWaitSec') {
            $item = $members[$name]
            if ($null -ne $item -and "$item" -ne '') {
                $number = $item -as [double]
                if ($null -eq $number) {
                    return Get-GitHubOidcContextError "The context's $name must be a number of seconds."
                }
                $result.$name = $number
            }
        }
        foreach ($name in 'MaxRetries', 'PointsPerMinute') {
            $item = $members[$name]
            if ($null -ne $item -and "$item" -ne '') {
                $number = $item -as [int]
                if ($null -eq $number) {
                    return Get-GitHubOidcContextError "The context's $name must be a whole number."
                }
                $result.$name = $number
            }
        }
        $item = $members['AllowInsecureHttp']
        if ($null -ne $item -and "$item" -ne '') {
            if ($item -isnot [bool] -and $item -isnot [System.Management.Automation.SwitchParameter]) {
                return Get-GitHubOidcContextError "The context's AllowInsecureHttp must be `$true or `$false."
            }
            $result.AllowInsecureHttp = [bool] $item
        }
        $item = $members['CaCertificatePath']
        if ($null -ne $item -and "$item" -ne '') {
            # The native library does not know PowerShell's current location: pass a full path.
            $result.CaCertificatePath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath("$item")
        }
        $item = $members['CachePath']
        if ($null -ne $item -and "$item" -ne '') {
            $result.CachePath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath("$item")
        }

        $token = $members['Token']
        if ($token -is [System.Management.Automation.PSObject]) {
            $token = $token.PSObject.BaseObject
        }
        if ($token -is [securestring]) {
            $token = [System.Net.NetworkCredential]::new('', $token).Password
        }
        if ($token -is [string] -and $token.Trim() -ne '') {
            $result.Token = $token
            $result.TokenSource = 'Context'
        } elseif ($null -ne $token -and $token -isnot [string]) {
            return Get-GitHubOidcContextError ("The context's Token must be a string or a SecureString, not [$($token.GetType().FullName)].")
        }

        $item = $members['ClientId']
        if ($null -ne $item -and "$item" -ne '') {
            $result.ClientId = "$item"
        }
        foreach ($name in 'AppId', 'InstallationId') {
            $item = $members[$name]
            if ($null -ne $item -and "$item" -ne '') {
                $number = $item -as [long]
                if ($null -eq $number) {
                    return Get-GitHubOidcContextError "The context's $name must be a number."
                }
                $result.$name = $number
            }
        }
        $key = $members['PrivateKey']
        if ($key -is [System.Management.Automation.PSObject]) {
            $key = $key.PSObject.BaseObject
        }
        if ($key -is [securestring]) {
            # Kept encrypted: made plain only at the seam into native code (NativeClient.Invoke).
            $result.PrivateKeySecret = $key
        } elseif ($key -is [string] -and $key.Trim() -ne '') {
            $result.PrivateKey = $key
        } elseif ($null -ne $key -and $key -isnot [string]) {
            return Get-GitHubOidcContextError ("The context's PrivateKey must be PEM text or a SecureString, not [$($key.GetType().FullName)].")
        }
        $item = $members['PrivateKeyPath']
        if ($null -ne $item -and "$item" -ne '') {
            # The native library does not know PowerShell's current location: pass a full path.
            $result.PrivateKeyPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath("$item")
        }
        if (-not $result.HostName -and -not $result.ApiBaseUri) {
            $result.HostName = if ($env:GH_HOST) { $env:GH_HOST } else { 'github.com' }
        }
    }

    if ($NoToken) {
        # NullString: assigning $null to a .NET string property would store ''.
        $result.Token = [NullString]::Value
        $result.TokenSource = [NullString]::Value
    }
    $result
}
