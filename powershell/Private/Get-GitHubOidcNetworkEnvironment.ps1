function Get-GitHubOidcNetworkEnvironment {
    <#
        .SYNOPSIS
        The proxy and certificate variables (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE, ...) as this session sees them.

        .DESCRIPTION
        PowerShell's $env: changes never reach the native library's environment on Linux and
        macOS, so the values are read here and passed in the context's Environment. The names
        come from the native layer (the context description's network_variables); which one
        applies to which request is decided there. Returns a dictionary of the variables that are
        set (empty when none is, or before the names are known).
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseOutputTypeCorrectly', '',
        Justification = 'The unary comma returns the dictionary itself, not its entries; the rule reads it as an array.')]
    [CmdletBinding()]
    [OutputType([System.Collections.Generic.Dictionary[string, string]])]
    param(
        # The variable names, from the native layer.
        [Parameter()]
        [AllowNull()]
        [string[]] $Name
    )

    $environment = [System.Collections.Generic.Dictionary[string, string]]::new()
    foreach ($variable in $Name) {
        $value = [Environment]::GetEnvironmentVariable($variable)
        if ($value) { $environment[$variable] = $value }
    }
    , $environment
}
