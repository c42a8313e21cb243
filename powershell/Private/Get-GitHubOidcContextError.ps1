function Get-GitHubOidcContextError {
    <#
        .SYNOPSIS
        The GitHubOidc.InvalidArgument ErrorRecord for a context that cannot be used.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        # What is wrong and how to fix it (never the context's value: it may hold a token).
        [Parameter(Mandatory, Position = 0)]
        [string] $Message
    )
    New-GitHubOidcErrorRecord -Message $Message -TargetObject 'Context'
}
