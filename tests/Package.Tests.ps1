#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The Gallery package (./build.ps1 -Package) as a user gets it: exactly the files the module needs,
# the Gallery metadata, and Install-PSResource from a file repository into a fresh pwsh whose home
# and module path are temporary (the user's own modules and repository list are not touched),
# Import-Module by name, commands against the fake server, Test-ModuleManifest, Uninstall-PSResource.
# The package is $env:GITHUBOIDC_PACKAGE (build.ps1 -Test and -InstallTest set it), else the one
# in output/.

BeforeDiscovery {
    $script:hasPSResourceGet = [bool](Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"

    function Get-TestPackagePath {
        if ($env:GITHUBOIDC_PACKAGE) { return $env:GITHUBOIDC_PACKAGE }
        $found = @(Get-ChildItem (Join-Path $script:RepoRoot 'output') -Filter 'GitHubOidc.*.nupkg' -ErrorAction SilentlyContinue)
        if ($found.Count -ne 1) { throw "Expected one output/GitHubOidc.*.nupkg, found $($found.Count). Run ./build.ps1 -Package, or set GITHUBOIDC_PACKAGE." }
        $found[0].FullName
    }

    function Get-RidLibraryName {
        param([string] $RuntimeId)
        if ($RuntimeId -like 'win-*') { 'github_oidc.dll' } elseif ($RuntimeId -like 'osx-*') { 'libgithub_oidc.dylib' } else { 'libgithub_oidc.so' }
    }

    function Invoke-IsolatedPwsh {
        <#
        Runs a script in a fresh pwsh whose HOME (and so its CurrentUser module folder and
        PSResourceGet's repository list) is $HomePath, with no inherited PSModulePath. Returns
        the object the script writes to $resultFile as JSON. On Windows the module and
        application-data folders do not follow the environment; the scripts undo what they do.
        #>
        param([string] $HomePath, [string] $Script)
        foreach ($folder in '.config', '.cache', '.local/share') {
            # .NET reports a special folder that does not exist as '' (NuGet would then write to the current folder).
            New-Item -ItemType Directory -Force -Path (Join-Path $HomePath $folder) | Out-Null
        }
        $resultFile = Join-Path $HomePath "result-$([guid]::NewGuid().ToString('n')).json"
        $file = Join-Path $HomePath "script-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -LiteralPath $file -Value ("`$ErrorActionPreference = 'Stop'`n`$resultFile = '$resultFile'`n" + $Script)
        $isolated = @{ HOME = $HomePath; PSModulePath = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }
        $saved = @{}
        foreach ($name in $isolated.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        try {
            if (-not $IsWindows) {
                foreach ($name in $isolated.Keys) { [Environment]::SetEnvironmentVariable($name, $isolated[$name]) }
            }
            $output = Invoke-Pwsh -NoProfile -NonInteractive -File $file 2>&1 | ForEach-Object { "$_" }
        } finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        if (-not (Test-Path -LiteralPath $resultFile)) { throw "The child pwsh wrote no result. Its output:`n$($output -join "`n")" }
        Get-Content -LiteralPath $resultFile -Raw | ConvertFrom-Json
    }

    $script:hostRid = '{0}-{1}' -f $(if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }),
    [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    $script:releasedRids = 'linux-x64', 'linux-arm64', 'osx-x64', 'osx-arm64', 'win-x64', 'win-arm64'
    $script:version = Get-WorkspaceVersion
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) "GitHubOidc-package-test-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $script:work | Out-Null
}

AfterAll {
    if ($script:work) { Remove-Item -LiteralPath $script:work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'GitHubOidc package' -Skip:(-not $script:hasPSResourceGet) {
    BeforeAll {
        $script:nupkg = Get-TestPackagePath
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:nupkg)
        try {
            # Zip entries use '/', and NuGet escapes some characters in names (%20, ...).
            $script:entries = @($zip.Entries | ForEach-Object { [uri]::UnescapeDataString($_.FullName) })
            $nuspec = $zip.Entries | Where-Object FullName -EQ 'GitHubOidc.nuspec'
            $reader = [System.IO.StreamReader]::new($nuspec.Open())
            try { $script:nuspec = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
        } finally {
            $zip.Dispose()
        }
    }

    Context 'Contents' {
        It 'is named for the version in Cargo.toml' {
            Split-Path $script:nupkg -Leaf | Should -Be "GitHubOidc.$script:version.nupkg"
            $script:nuspec.package.metadata.id | Should -Be 'GitHubOidc'
            $script:nuspec.package.metadata.version | Should -Be $script:version
        }

        It 'holds exactly the module files and one native library per runtime it carries, this platform''s included' {
            $bookkeeping = @($script:entries | Where-Object {
                    $_ -in '_rels/.rels', '[Content_Types].xml', 'GitHubOidc.nuspec' -or $_ -match '^package/services/metadata/core-properties/[0-9a-f]{32}\.psmdcp$'
                })
            $bookkeeping.Count | Should -Be 4 -Because 'a nupkg has .rels, [Content_Types].xml, the nuspec and one core-properties file'
            $moduleFiles = @($script:entries | Where-Object { $_ -notin $bookkeeping })
            $rids = @($moduleFiles | Where-Object { $_ -like 'runtimes/*' } | ForEach-Object { ($_ -split '/')[1] } | Sort-Object -Unique)
            $rids | Should -Contain $script:hostRid
            foreach ($rid in $rids) { $rid | Should -BeIn $script:releasedRids }
            # A compiled command (the manifest's CmdletsToExport) has no implementation unit.
            $compiled = @((Import-PowerShellDataFile (Join-Path $script:RepoRoot 'powershell/GitHubOidc.psd1')).CmdletsToExport)
            $expected = @(
                'GitHubOidc.psd1'
                'GitHubOidc.psm1'
                foreach ($unit in @(Get-ChildItem (Join-Path $script:RepoRoot 'powershell/Public'), (Join-Path $script:RepoRoot 'powershell/Private') -Filter *.ps1) + @(Get-Item (Join-Path $script:RepoRoot 'powershell/completers.ps1'))) {
                    if ($unit.BaseName -notin $compiled) { "implementation/$($unit.Name)" }
                }
                'en-US/GitHubOidc.psm1-help.xml'
                'en-US/GitHubOidc.Native.dll-Help.xml'
                'GitHubOidc.format.ps1xml'
                'format/GitHubOidc.Format.psd1'
                'GitHubOidc.DesiredState.schema.json'
                'bin/GitHubOidc.Native.dll'
                foreach ($rid in $rids) { "runtimes/$rid/native/$(Get-RidLibraryName $rid)" }
            )
            ($moduleFiles | Sort-Object) | Should -Be ($expected | Sort-Object)
        }

        It 'carries the Gallery metadata: tags, license, project, this version''s release notes' {
            $metadata = $script:nuspec.package.metadata
            $tags = $metadata.tags -split ' '
            foreach ($tag in 'PSModule', 'PSEdition_Core', 'Linux', 'MacOS', 'Windows', 'GitHub', 'OIDC') { $tags | Should -Contain $tag }
            $metadata.licenseUrl | Should -Be 'https://github.com/GitHubOidc/GitHubOidc/blob/main/LICENSE'
            $metadata.projectUrl | Should -Be 'https://github.com/GitHubOidc/GitHubOidc'
            $metadata.description | Should -Not -BeNullOrEmpty
            # The CHANGELOG.md section of this version, from its heading to the next one.
            $changelog = Get-Content (Join-Path $script:RepoRoot 'CHANGELOG.md') -Raw
            $heading = '(?m)^## \[' + [regex]::Escape($script:version) + '\].*$'
            $found = [regex]::Match($changelog, $heading)
            $found.Success | Should -BeTrue -Because "CHANGELOG.md has a section for $script:version"
            $section = ($changelog.Substring($found.Index + $found.Length) -split '(?m)^## ')[0].Trim()
            ($metadata.releaseNotes -replace "`r`n", "`n") | Should -BeExactly ($section -replace "`r`n", "`n")
        }
    }

    Context 'Installed the way a user does' {
        BeforeAll {
            $script:fake = Start-FakeGitHub
            $repository = Join-Path $script:work 'repository'
            New-Item -ItemType Directory -Path $repository | Out-Null
            Copy-Item -LiteralPath $script:nupkg -Destination $repository
            $script:isolatedHome = Join-Path $script:work 'home'
            $script:repositoryName = "GitHubOidcTest$([guid]::NewGuid().ToString('n'))"
            $realUserModule = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'powershell/Modules/GitHubOidc'
            $script:realUserModuleBefore = Test-Path -LiteralPath $realUserModule
            $script:repositoriesBefore = @(Get-PSResourceRepository | ForEach-Object Name | Sort-Object)

            # First pwsh: register, install, import by name, use. Second pwsh: uninstall (on
            # Windows a module whose assemblies are loaded cannot be deleted).
            $script:installed = Invoke-IsolatedPwsh -HomePath $script:isolatedHome -Script @"
`$result = [ordered]@{ AlreadyInstalled = @(Get-Module -ListAvailable GitHubOidc).Count }
if (`$result.AlreadyInstalled -gt 0) { `$result | ConvertTo-Json | Set-Content `$resultFile; return }
Register-PSResourceRepository -Name '$script:repositoryName' -Uri '$repository' -Trusted
Install-PSResource GitHubOidc -Repository '$script:repositoryName' -Scope CurrentUser
`$result.Installed = @(Get-InstalledPSResource GitHubOidc -Scope CurrentUser | ForEach-Object { [ordered]@{ Version = "`$(`$_.Version)"; Path = `$_.InstalledLocation } })
`$result.Available = @(Get-Module -ListAvailable GitHubOidc | ForEach-Object ModuleBase)
Import-Module GitHubOidc
`$module = Get-Module GitHubOidc
`$result.ModuleBase = `$module.ModuleBase
`$result.ModuleVersion = "`$(`$module.Version)"
`$result.Files = @(Get-ChildItem -LiteralPath `$module.ModuleBase -Recurse -File | ForEach-Object { [System.IO.Path]::GetRelativePath(`$module.ModuleBase, `$_.FullName) -replace '\\', '/' })
`$manifest = Test-ModuleManifest -Path (Join-Path `$module.ModuleBase 'GitHubOidc.psd1') -ErrorVariable manifestErrors -ErrorAction SilentlyContinue
`$result.ManifestVersion = "`$(`$manifest.Version)"
`$result.ManifestErrors = @(`$manifestErrors | ForEach-Object { "`$_" })
`$ctx = @{ HostName = 'github.com'; ApiBaseUri = '$($script:fake.BaseUrl)'; IssuerUri = '$($script:fake.BaseUrl)'; Token = 'test-admin-token' }
Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repository_owner_id, context -Context `$ctx -Confirm:`$false
`$result.Read = @((Get-GitHubOidcSubjectClaim -Owner octo-org -Context `$ctx).IncludeClaimKeys)
`$line = "Set-GitHubOidcSubjectClaim -Owner octo-org -Context @{ IssuerUri = '$($script:fake.BaseUrl)' } -IncludeClaimKeys repository_o"
`$result.Completions = @(TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches.CompletionText
`$result.Examples = @((Get-Help Set-GitHubOidcSubjectClaim -Examples).examples.example).Count
`$result | ConvertTo-Json -Depth 5 | Set-Content `$resultFile
"@
            # A copy of the package without this platform's library, and with another platform's.
            $script:stripped = Join-Path $script:work 'stripped/GitHubOidc'
            [System.IO.Compression.ZipFile]::ExtractToDirectory($script:nupkg, $script:stripped)
            Remove-Item -LiteralPath (Join-Path $script:stripped "runtimes/$script:hostRid") -Recurse -Force
            $other = if ($script:hostRid -eq 'osx-arm64') { 'win-arm64' } else { 'osx-arm64' }
            $native = New-Item -ItemType Directory -Force -Path (Join-Path $script:stripped "runtimes/$other/native")
            Set-Content -LiteralPath (Join-Path $native (Get-RidLibraryName $other)) -Value 'not loaded: another platform'
            $script:strippedCarries = @(Get-ChildItem (Join-Path $script:stripped 'runtimes') -Directory | ForEach-Object Name | Sort-Object)

            # The second pwsh also imports that copy (one pwsh start fewer).
            $script:uninstalled = Invoke-IsolatedPwsh -HomePath $script:isolatedHome -Script @"
`$result = [ordered]@{}
try {
    Uninstall-PSResource GitHubOidc -Scope CurrentUser
    `$result.Installed = @(Get-InstalledPSResource GitHubOidc -Scope CurrentUser -ErrorAction SilentlyContinue).Count
    `$result.Available = @(Get-Module -ListAvailable GitHubOidc).Count
} finally {
    Unregister-PSResourceRepository -Name '$script:repositoryName' -ErrorAction SilentlyContinue
}
`$result.StrippedImport = try { Import-Module '$script:stripped' -ErrorAction Stop; 'imported' } catch { `$_.Exception.Message }
# Import runs no native code (issue 10): the first command is where the missing library shows.
`$result.StrippedHelp = (Get-Help Resolve-GitHubOidcSubject).Synopsis
`$result.StrippedCall = try { `$null = Resolve-GitHubOidcSubject -Claim @{ repository = 'o/r'; ref = 'refs/heads/main' } -ErrorAction Stop; 'called' } catch { `$_.Exception.Message }
`$result | ConvertTo-Json | Set-Content `$resultFile
"@
            $script:repositoriesAfter = @(Get-PSResourceRepository | ForEach-Object Name | Sort-Object)
            $script:realUserModuleAfter = Test-Path -LiteralPath $realUserModule
        }

        AfterAll {
            Stop-FakeGitHub -Fake $script:fake
        }

        It 'starts from a module path without GitHubOidc' {
            $script:installed.AlreadyInstalled | Should -Be 0 -Because 'GitHubOidc must not already be installed where the test installs it'
        }

        It 'installs this version into the CurrentUser module folder of the fresh pwsh' {
            @($script:installed.Installed).Count | Should -Be 1
            $script:installed.Installed[0].Version | Should -Be $script:version
            @($script:installed.Available).Count | Should -Be 1
            if (-not $IsWindows) {
                $script:installed.Installed[0].Path | Should -BeLike "$script:isolatedHome*"
                $script:installed.ModuleBase | Should -BeLike "$script:isolatedHome*"
            }
        }

        It 'imports by name the module it installed, with every file of the package' {
            $script:installed.ModuleBase | Should -Be $script:installed.Available[0]
            $script:installed.ModuleVersion | Should -Be $script:version
            $moduleFiles = @($script:entries | Where-Object { $_ -notin '_rels/.rels', '[Content_Types].xml', 'GitHubOidc.nuspec' -and $_ -notlike 'package/*' })
            # PSResourceGet adds its own record of the installation.
            @($script:installed.Files | Where-Object { $_ -ne 'PSGetModuleInfo.xml' } | Sort-Object) | Should -Be @($moduleFiles | Sort-Object)
        }

        It 'has its help (the MAML file under en-US)' {
            $script:installed.Examples | Should -BeGreaterOrEqual 2
        }

        It 'passes Test-ModuleManifest' {
            $script:installed.ManifestErrors | Should -BeNullOrEmpty
            $script:installed.ManifestVersion | Should -Be $script:version
        }

        It 'calls the fake server: the write reaches it and reads back, completion asks discovery' {
            $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT)
            $puts.Count | Should -Be 1
            $puts[0].path | Should -Be '/orgs/octo-org/actions/oidc/customization/sub'
            $puts[0].body.include_claim_keys | Should -Be @('repository_owner_id', 'context')
            $script:installed.Read | Should -Be @('repository_owner_id', 'context')
            $script:installed.Completions | Should -Be @('repository_owner', 'repository_owner_id')
            @(Get-FakeRequests -Fake $script:fake -PathLike '*/.well-known/openid-configuration').Count | Should -BeGreaterThan 0
        }

        It 'is removed by Uninstall-PSResource' {
            $script:uninstalled.Installed | Should -Be 0
            $script:uninstalled.Available | Should -Be 0
            if (-not $IsWindows) { Test-Path -LiteralPath $script:installed.ModuleBase | Should -BeFalse }
        }

        It 'leaves the user''s repository list and modules as they were' {
            $script:repositoriesAfter | Should -Be $script:repositoriesBefore
            $script:repositoriesAfter | Should -Not -Contain $script:repositoryName
            $script:realUserModuleAfter | Should -Be $script:realUserModuleBefore
        }

        It 'without this platform''s native library, imports (help works) and its first command fails naming this platform and those it carries' {
            $script:uninstalled.StrippedImport | Should -Be 'imported'
            $script:uninstalled.StrippedHelp | Should -Not -BeNullOrEmpty
            $message = $script:uninstalled.StrippedCall
            $message | Should -Not -Be 'called'
            $message | Should -Match ([regex]::Escape("no native library for $script:hostRid"))
            $message | Should -Match ([regex]::Escape("it carries: $($script:strippedCarries -join ', ')"))
            $message | Should -Match 'Install-PSResource GitHubOidc'
        }
    }
}
