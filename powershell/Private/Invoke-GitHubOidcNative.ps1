function Invoke-GitHubOidcNative {
    <#
        .SYNOPSIS
        The single seam between the script layer and the native facade.

        .DESCRIPTION
        Calls one static method of [GitHubOidc.Native.NativeClient] and returns its answer (a
        case-insensitive Hashtable). Exceptions propagate; callers map them with
        New-GitHubOidcErrorRecord. Tests mock this function to assert what would be called.
    #>
    [CmdletBinding()]
    [OutputType([hashtable], [string])]
    param(
        # The facade method.
        [Parameter(Mandatory)]
        [ValidateSet('Version', 'Context', 'Discover', 'ClaimKeys', 'GetSubjectClaim', 'SetSubjectClaim',
            'SetEnterpriseIssuer', 'ResolveSubject', 'DecodeToken', 'VerifyToken', 'TrustPolicy')]
        [string] $Method,

        # Its arguments, in order.
        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]] $ArgumentList = @()
    )

    # PowerShell turns $null into '' for string arguments of .NET methods; NullString keeps null.
    $text = {
        param($Value)
        if ($null -eq $Value -or "$Value" -eq '') { [NullString]::Value } else { [string]$Value }
    }
    $where = ''
    if ($ArgumentList.Count -gt 0 -and $ArgumentList[0] -is [GitHubOidc.Native.GitHubOidcContext]) {
        $where = " ($($ArgumentList[0]))"
    }
    Write-Debug "GitHubOidc: native $Method$where"
    switch ($Method) {
        'Version' { [GitHubOidc.Native.NativeClient]::Version() }
        'Context' { [GitHubOidc.Native.NativeClient]::Context($ArgumentList[0]) }
        'Discover' { [GitHubOidc.Native.NativeClient]::Discover($ArgumentList[0], (& $text $ArgumentList[1])) }
        'ClaimKeys' {
            [GitHubOidc.Native.NativeClient]::ClaimKeys($ArgumentList[0], (& $text $ArgumentList[1]), [bool]$ArgumentList[2])
        }
        'GetSubjectClaim' {
            [GitHubOidc.Native.NativeClient]::GetSubjectClaim($ArgumentList[0], [string]$ArgumentList[1], (& $text $ArgumentList[2]))
        }
        'SetSubjectClaim' {
            [GitHubOidc.Native.NativeClient]::SetSubjectClaim(
                $ArgumentList[0], [string]$ArgumentList[1], (& $text $ArgumentList[2]),
                [System.Nullable[bool]]$ArgumentList[3], [string[]]$ArgumentList[4],
                [System.Nullable[bool]]$ArgumentList[5], [bool]$ArgumentList[6])
        }
        'SetEnterpriseIssuer' {
            [GitHubOidc.Native.NativeClient]::SetEnterpriseIssuer($ArgumentList[0], [string]$ArgumentList[1], [bool]$ArgumentList[2])
        }
        'ResolveSubject' {
            # Context, Owner, Repository, Claim (IDictionary), IncludeClaimKeys, UseImmutableSubject, Token
            [GitHubOidc.Native.NativeClient]::ResolveSubject(
                $ArgumentList[0], (& $text $ArgumentList[1]), (& $text $ArgumentList[2]),
                [System.Collections.IDictionary]$ArgumentList[3], [string[]]$ArgumentList[4],
                [bool]$ArgumentList[5], (& $text $ArgumentList[6]))
        }
        'DecodeToken' { [GitHubOidc.Native.NativeClient]::DecodeToken([string]$ArgumentList[0]) }
        'VerifyToken' {
            [GitHubOidc.Native.NativeClient]::VerifyToken(
                $ArgumentList[0], [string]$ArgumentList[1], (& $text $ArgumentList[2]), (& $text $ArgumentList[3]))
        }
        'TrustPolicy' {
            # Provider, Subjects, Audience, Issuer, AwsAccountId, Name -> the policy as JSON text.
            [GitHubOidc.Native.NativeClient]::TrustPolicy(
                [string]$ArgumentList[0], [string[]]$ArgumentList[1], (& $text $ArgumentList[2]),
                [string]$ArgumentList[3], (& $text $ArgumentList[4]), (& $text $ArgumentList[5]))
        }
    }
}
