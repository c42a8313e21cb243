# GitHubOidc.Format: the format views (GitHubOidc.format.ps1xml) as a module of their own, imported
# when the first command's implementation is read (Import-GitHubOidcImplementation) as a nested module of GitHubOidc:
# hidden from Get-Module (shown by Get-Module -All) and removed with GitHubOidc. Import-Module is
# the engine's own command, so registering the views loads nothing else; Update-FormatData would
# first auto-load Microsoft.PowerShell.Utility (~70 ms of a fresh pwsh's first call, issue 20).
# It lives in a format/ folder, here and in the built module (a second .psd1 beside GitHubOidc.psd1
# would be taken for the module's manifest by Publish-PSResource); build.ps1 writes the module's version here.
@{
    ModuleVersion     = '0.0.0'
    GUID              = '0b6f3d52-8c1e-4e57-a7d2-5b9e4c1f2a60'
    Author            = 'GitHubOidc contributors'
    CompanyName       = 'GitHubOidc'
    Copyright         = '(c) GitHubOidc contributors. All rights reserved.'
    Description       = 'The format views of GitHubOidc (loaded by GitHubOidc on its first call).'
    PowerShellVersion = '7.4'
    FormatsToProcess  = @('../GitHubOidc.format.ps1xml')
    FunctionsToExport = @()
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
