function ConvertTo-GitHubOidcTimeSpan {
    <#
        .SYNOPSIS
        A parameter given as a TimeSpan, a number of seconds, or text (seconds or a TimeSpan like 00:00:02).

        .DESCRIPTION
        Negative or unreadable values are the calling command's terminating error naming the parameter.
    #>
    [CmdletBinding()]
    [OutputType([TimeSpan])]
    param(
        # What the user passed.
        [Parameter(Mandatory)]
        [object] $Value,

        # The parameter's name, for the error.
        [Parameter(Mandatory)]
        [string] $Name,

        # The calling command.
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    $span = $null
    $seconds = 0.0
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture
    if ($Value -is [TimeSpan]) {
        $span = $Value
    } elseif ($Value -is [string]) {
        if ([double]::TryParse($Value, [System.Globalization.NumberStyles]::Float, $invariant, [ref]$seconds)) {
            $span = [TimeSpan]::FromSeconds($seconds)
        } else {
            $parsed = [TimeSpan]::Zero
            if ([TimeSpan]::TryParse($Value, $invariant, [ref]$parsed)) { $span = $parsed }
        }
    } elseif ($Value -is [ValueType]) {
        try { $span = [TimeSpan]::FromSeconds([double]$Value) } catch { $span = $null }
    }
    if ($null -eq $span -or $span -lt [TimeSpan]::Zero) {
        $message = "-$Name '$Value' is not a duration: pass seconds (e.g. 1.5) or a TimeSpan (e.g. 00:00:02)."
        $Cmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -Message $message -TargetObject $Name))
    }
    $span
}
