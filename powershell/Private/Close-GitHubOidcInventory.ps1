function Close-GitHubOidcInventory {
    <#
        .SYNOPSIS
        Closes fleet jobs: cancels each if it still runs (no request is sent after that) and frees it.
    #>
    [CmdletBinding()]
    param(
        # The job ids (none: nothing happens).
        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [System.Collections.IList] $Jobs
    )

    foreach ($job in @($Jobs)) {
        if ($null -ne $job) {
            $null = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.FleetCloseRequest]@{ Job = [long]$job })
        }
    }
}
