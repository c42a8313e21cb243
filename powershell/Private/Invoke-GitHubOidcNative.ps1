function Invoke-GitHubOidcNative {
    <#
        .SYNOPSIS
        The single seam between the script layer and the native facade.

        .DESCRIPTION
        Calls one static method of [GitHubOidc.Native.NativeClient] and returns its answer (a
        case-insensitive Hashtable, or a string for TrustPolicy). The facade returns failures
        instead of throwing them (a thrown exception would land in $Error and -ErrorVariable
        several times). With -Cmdlet, a failure is written to that command as a GitHubOidc.*
        ErrorRecord (terminating with -Terminating) and nothing is returned; without it, the
        GitHubOidcException is returned. Tests mock this function to assert what would be called.
    #>
    [CmdletBinding()]
    [OutputType([hashtable], [string])]
    param(
        # The facade method.
        [Parameter(Mandatory)]
        [ValidateSet('Version', 'Context', 'Discover', 'ClaimKeys', 'CheckClaimKeys', 'GetSubjectClaim', 'SetSubjectClaim',
            'SetEnterpriseIssuer', 'PropertyClaims', 'SetPropertyClaim', 'ResolveSubject', 'DecodeToken', 'VerifyToken', 'TrustPolicy')]
        [string] $Method,

        # Its arguments, in order.
        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]] $ArgumentList = @(),

        # The calling command: failures are written to it and nothing is returned.
        [Parameter()]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The target object of the error record (owner/repo, enterprise, host).
        [Parameter()]
        [AllowNull()]
        [object] $TargetObject,

        # A secret that must not appear in the error record.
        [Parameter()]
        [AllowNull()]
        [string] $Secret,

        # Write the failure as a terminating error.
        [Parameter()]
        [switch] $Terminating
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
    $result = switch ($Method) {
        'Version' { [GitHubOidc.Native.NativeClient]::Version() }
        'Context' { [GitHubOidc.Native.NativeClient]::Context($ArgumentList[0]) }
        'Discover' { [GitHubOidc.Native.NativeClient]::Discover($ArgumentList[0], (& $text $ArgumentList[1])) }
        'ClaimKeys' {
            [GitHubOidc.Native.NativeClient]::ClaimKeys($ArgumentList[0], (& $text $ArgumentList[1]), [bool]$ArgumentList[2])
        }
        'CheckClaimKeys' {
            [GitHubOidc.Native.NativeClient]::CheckClaimKeys($ArgumentList[0], [string[]]$ArgumentList[1], [bool]$ArgumentList[2])
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
        'PropertyClaims' {
            [GitHubOidc.Native.NativeClient]::PropertyClaims($ArgumentList[0], (& $text $ArgumentList[1]), (& $text $ArgumentList[2]))
        }
        'SetPropertyClaim' {
            [GitHubOidc.Native.NativeClient]::SetPropertyClaim(
                $ArgumentList[0], (& $text $ArgumentList[1]), (& $text $ArgumentList[2]), [string]$ArgumentList[3], [bool]$ArgumentList[4])
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

    if ($result.Ok) {
        return $result.Value
    }
    if (-not $Cmdlet) {
        return $result.Error
    }
    $record = New-GitHubOidcErrorRecord -Exception $result.Error -TargetObject $TargetObject -Secret $Secret
    if ($Terminating) {
        $Cmdlet.ThrowTerminatingError($record)
    }
    $Cmdlet.WriteError($record)
}
