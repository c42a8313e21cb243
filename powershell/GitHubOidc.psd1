@{
    RootModule           = 'GitHubOidc.psm1'
    # The managed facade, which holds the compiled cmdlet Get-GitHubOidcSubjectClaim (issue 20); its
    # code runs on the first command, not at import (see GitHubOidc.psm1).
    NestedModules        = @('bin/GitHubOidc.Native.dll')
    # build.ps1 writes the version of Cargo.toml ([workspace.package] version) into the built manifest.
    ModuleVersion        = '0.0.0'
    GUID                 = '4f6c1b1e-2a55-4d7e-9a3c-6d0b8f3e2c71'
    Author               = 'GitHubOidc contributors'
    CompanyName          = 'GitHubOidc'
    Copyright            = '(c) GitHubOidc contributors. All rights reserved.'
    Description          = @'
Read and configure the GitHub Actions OIDC subject claim (sub) template of organizations and repositories,
and discover the claim keys of any GitHub instance (github.com, GHE.com, GitHub Enterprise Server),
with -WhatIf, validation and tab completion. Backed by a Rust native library.
'@
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # GitHubOidc.format.ps1xml is registered by the first command, not here: format
    # data at import makes PowerShell load its whole built-in format database (see GitHubOidc.psm1).
    # No TypesToProcess: GitHub's property names are alias properties added per object
    # (GitHubOidc.Native.ShapedObject.SubjectClaim); type data at import reloads PowerShell's whole type table.
    # Literal lists: do not use wildcards (module auto-loading and analysis read these).
    FunctionsToExport    = @(
        'Add-GitHubOidcPropertyClaim'
        'Compare-GitHubOidcConfiguration'
        'ConvertFrom-GitHubOidcToken'
        'Export-GitHubOidcConfiguration'
        'Get-GitHubOidcClaim'
        'Get-GitHubOidcContext'
        'Get-GitHubOidcPropertyClaim'
        'Get-GitHubOidcRepository'
        'Get-GitHubOidcToken'
        'Get-GitHubOidcTrustRisk'
        'New-GitHubOidcTrustPolicy'
        'Out-GitHubOidcStepSummary'
        'Remove-GitHubOidcPropertyClaim'
        'Resolve-GitHubOidcSubject'
        'Set-GitHubOidcIssuer'
        'Set-GitHubOidcSubjectClaim'
        'Sync-GitHubOidcConfiguration'
        'Test-GitHubOidcToken'
        'Test-GitHubOidcTrustPolicy'
    )
    # Compiled (bin/GitHubOidc.Native.dll); its help source is powershell/Public, as the functions'.
    CmdletsToExport      = @('Get-GitHubOidcSubjectClaim')
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @(
                'GitHub'
                'OIDC'
                'OpenIDConnect'
                'GitHubActions'
                'Actions'
                'SubjectClaim'
                'Federation'
                'Security'
                'PSEdition_Core'
                'Windows'
                'Linux'
                'MacOS'
            )
            ProjectUri   = 'https://github.com/GitHubOidc/GitHubOidc'
            LicenseUri   = 'https://github.com/GitHubOidc/GitHubOidc/blob/main/LICENSE'
            # build.ps1 writes this version's section of CHANGELOG.md here.
            ReleaseNotes = 'See https://github.com/GitHubOidc/GitHubOidc/blob/main/CHANGELOG.md'
        }
    }
}
