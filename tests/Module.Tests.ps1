#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# The module's contract: manifest, exports, ShouldProcess, help, OutputType.

BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    # Every exported command: the writing verbs (Set, Add, Remove, Sync; Export writes a file), and only they,
    # support ShouldProcess.
    # (Get-GitHubOidcSubjectClaim is a compiled cmdlet, issue 20; the others are functions.)
    $script:commandCases = @(
        (Get-Module GitHubOidc).ExportedCommands.Keys | Sort-Object | ForEach-Object {
            @{ Name = $_; ShouldProcess = $_ -match '^(Set|Add|Remove|Sync|Export)-' }
        }
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:manifestPath = Join-Path (Get-TestModulePath) 'GitHubOidc.psd1'
    $script:manifest = Import-PowerShellDataFile -LiteralPath $script:manifestPath
}

Describe 'GitHubOidc module' {
    Context 'Manifest' {
        It 'is a valid manifest for PowerShell 7.4+ Core' {
            $info = Test-ModuleManifest -Path $script:manifestPath
            $info.Version | Should -Be ([version](Get-WorkspaceVersion))
            $info.PowerShellVersion | Should -Be ([version]'7.4')
            $info.CompatiblePSEditions | Should -Be @('Core')
            $info.RootModule | Should -Be 'GitHubOidc.psm1'
        }

        It 'has one version: Cargo.toml''s in the manifest, the assembly and the native library' {
            $expected = Get-WorkspaceVersion
            $module = Get-Module GitHubOidc
            $moduleVersion = "$($module.Version)"
            if ($module.PrivateData.PSData['Prerelease']) { $moduleVersion += "-$($module.PrivateData.PSData['Prerelease'])" }
            $moduleVersion | Should -Be $expected
            $assembly = [GitHubOidc.Native.NativeClient].Assembly
            $informational = $assembly.GetCustomAttributes([System.Reflection.AssemblyInformationalVersionAttribute], $false)[0].InformationalVersion
            ($informational -split '\+')[0] | Should -Be $expected
            $assembly.GetName().Version | Should -Be ([version]"$($module.Version).0")
            Get-NativeLibraryVersion | Should -Be $expected
        }

        It 'lists functions and the one compiled cmdlet explicitly, and exports no variables or aliases' {
            $script:manifest.FunctionsToExport | Should -Not -Contain '*'
            $script:manifest.FunctionsToExport | Should -Contain 'Get-GitHubOidcClaim'
            $script:manifest.FunctionsToExport | Should -Contain 'Set-GitHubOidcSubjectClaim'
            $script:manifest.FunctionsToExport | Should -Contain 'Get-GitHubOidcContext'
            # Issue 20: the command a fresh pwsh's first call is measured with is compiled (the
            # facade, the manifest's nested module).
            @($script:manifest.CmdletsToExport) | Should -Be @('Get-GitHubOidcSubjectClaim')
            @($script:manifest.NestedModules) | Should -Be @('bin/GitHubOidc.Native.dll')
            @($script:manifest.VariablesToExport).Count | Should -Be 0
            @($script:manifest.AliasesToExport).Count | Should -Be 0
        }

        It 'has gallery metadata' {
            $psData = $script:manifest.PrivateData.PSData
            $psData.Tags | Should -Contain 'GitHub'
            $psData.Tags | Should -Contain 'OIDC'
            $psData.Tags | Should -Contain 'GitHubActions'
            $psData.Tags | Should -Contain 'PSEdition_Core'
            foreach ($os in 'Windows', 'Linux', 'MacOS') { $psData.Tags | Should -Contain $os }
            $psData.ProjectUri | Should -Be 'https://github.com/GitHubOidc/GitHubOidc'
            $psData.LicenseUri | Should -Be 'https://github.com/GitHubOidc/GitHubOidc/blob/main/LICENSE'
            $psData.ReleaseNotes | Should -Not -BeNullOrEmpty
            $script:manifest.Description | Should -Not -BeNullOrEmpty
        }

        It 'registers the format views on the first command, and no type or format data at import' {
            # Type or format data at import makes PowerShell reload its whole type table or
            # format database (issue 10: Import-Module <= 150 ms).
            $script:manifest.Keys | Should -Not -Contain 'FormatsToProcess'
            $script:manifest.Keys | Should -Not -Contain 'TypesToProcess'
            $path = Get-TestModulePath
            $child = @"
Import-Module '$path'
`$before = @(Get-FormatData -TypeName GitHubOidc.Context).Count
`$null = Get-GitHubOidcContext -Context github.example.com -NoTokenLookup
`$after = @(Get-FormatData -TypeName GitHubOidc.Context).Count
`$table = Get-GitHubOidcContext -Context github.example.com -NoTokenLookup | Out-String
"`$before `$after `$(`$table -match 'https://github.example.com/api/v3')"
"@
            $out = Invoke-Pwsh -NoProfile -NonInteractive -Command $child
            $LASTEXITCODE | Should -Be 0
            @($out)[-1] | Should -Be '0 1 True'
        }
    }

    Context 'Import' {
        It 'registers the views as the nested module GitHubOidc.Format, and a first Get auto-loads no other module' {
            # Issue 20: Update-FormatData would first auto-load Microsoft.PowerShell.Utility (~70 ms
            # of a fresh pwsh's first call); Import-Module of GitHubOidc.Format.psd1 is the engine's own.
            $path = Get-TestModulePath
            $server = Start-FakeGitHub
            try {
                $child = @"
Import-Module '$path'
`$claim = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context @{ ApiBaseUri = '$($server.BaseUrl)'; Token = 'test-admin-token'; AllowInsecureHttp = `$true }
`$modules = (Get-Module).Name -join ','
`$nested = (Get-Module -All).Name -contains 'GitHubOidc.Format'
`$table = `$claim | Out-String
"`$modules `$nested `$(`$table -match 'IncludeClaimKeys') `$(`$claim.Owner)"
"@
                $out = Invoke-Pwsh -NoProfile -NonInteractive -Command $child
                $LASTEXITCODE | Should -Be 0
                @($out)[-1] | Should -Be 'GitHubOidc True True octo-org'
            } finally {
                Stop-FakeGitHub $server
            }
        }

        It 'parses no command body and loads no native code at import; the first call reads its own implementation once' {
            # Issue 10: Import-Module as the first command <= 150 ms. GitHubOidc.psm1 holds the
            # commands' signatures; their blocks and the private functions come on the first call.
            # The facade is the manifest's nested module (it holds the compiled
            # Get-GitHubOidcSubjectClaim): loaded at import, the native library is not.
            $path = Get-TestModulePath
            $child = @"
Import-Module '$path'
`$module = Get-Module GitHubOidc
`$native = [System.Diagnostics.Process]::GetCurrentProcess().Modules.ModuleName -contains '$([GitHubOidc.Native.NativeLibraryResolver]::LibraryFileName)'
`$facade = [bool]([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'GitHubOidc.Native' })
`$before = & `$module { [bool]`$script:GitHubOidcBody; [bool](Get-Command Invoke-GitHubOidcNative -ErrorAction Ignore) }
`$syntax = (Get-Command Resolve-GitHubOidcSubject -Syntax).Trim().Length -gt 0
`$first = Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; environment = 'Production' }
`$body = & `$module { `$script:GitHubOidcBody }
`$second = Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; environment = 'Production' }
`$after = & `$module { [bool]`$script:GitHubOidcBody; [bool](Get-Command Invoke-GitHubOidcNative -ErrorAction Ignore); [object]::ReferenceEquals(`$body, `$script:GitHubOidcBody) }
`$others = & `$module { @(`$script:GitHubOidcBody.Keys) -join ',' }
`$loaded = [System.Diagnostics.Process]::GetCurrentProcess().Modules.ModuleName -contains '$([GitHubOidc.Native.NativeLibraryResolver]::LibraryFileName)'
`$facadeAfter = [bool]([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'GitHubOidc.Native' })
"`$others"
"`$native `$facade `$(`$before -join ' ') `$syntax | `$(`$after -join ' ') `$loaded `$facadeAfter | `$(`$first.Subject) `$(`$second.Subject)"
"@
            $out = Invoke-Pwsh -NoProfile -NonInteractive -Command $child
            $LASTEXITCODE | Should -Be 0
            @($out)[-1] | Should -Be 'False True False False True | True True True True True | repo:octo-org/octo-repo:environment:Production repo:octo-org/octo-repo:environment:Production'
            # Issue 20: the first command reads only its own body (and the private functions it uses).
            @($out)[-2] | Should -Be 'Resolve-GitHubOidcSubject'
        }

        It 'gives every command the signature written in powershell/Public: <Name>' -ForEach $script:commandCases {
            # The built GitHubOidc.psm1 carries each command's help, attributes and param block (build.ps1
            # Write-ModuleScript); the source file, dot-sourced here, is the reference.
            $source = Join-Path $script:RepoRoot "powershell/Public/$Name.ps1"
            . $source
            $reference = Get-Command -Name $Name -CommandType Function | Where-Object { -not $_.Module }
            # A compiled command declares the same parameters in C#.
            $built = (Get-Module GitHubOidc).ExportedCommands[$Name]
            $built | Should -Not -BeNullOrEmpty
            $compiled = $built.CommandType -eq 'Cmdlet'
            $built.ParameterSets.ToString() | Should -BeExactly $reference.ParameterSets.ToString()
            $built.DefaultParameterSet | Should -BeExactly $reference.DefaultParameterSet
            @($built.Parameters.Keys | Sort-Object) | Should -Be @($reference.Parameters.Keys | Sort-Object)
            foreach ($parameter in $reference.Parameters.Values) {
                $mine = $built.Parameters[$parameter.Name]
                $mine.ParameterType | Should -Be $parameter.ParameterType
                @($mine.Aliases) | Should -Be @($parameter.Aliases)
                # (A script parameter's type adds an ArgumentTypeConverterAttribute, a cmdlet's does not.)
                $names = { param($attributes) @($attributes | ForEach-Object { $_.GetType().Name } | Where-Object { $_ -ne 'ArgumentTypeConverterAttribute' } | Sort-Object) }
                & $names $mine.Attributes | Should -Be (& $names $parameter.Attributes)
                foreach ($set in $parameter.ParameterSets.Keys) {
                    $theirs = $parameter.ParameterSets[$set]
                    $ours = $mine.ParameterSets[$set]
                    $ours | Should -Not -BeNullOrEmpty -Because "$($parameter.Name) in $set"
                    foreach ($flag in 'IsMandatory', 'Position', 'ValueFromPipeline', 'ValueFromPipelineByPropertyName', 'ValueFromRemainingArguments') {
                        $ours.$flag | Should -Be $theirs.$flag -Because "$($parameter.Name) $flag in $set"
                    }
                }
            }
            @($built.OutputType.Name) | Should -Be @($reference.OutputType.Name)
            if (-not $compiled) { $built.CmdletBinding | Should -BeTrue }
            Remove-Item -LiteralPath "function:$Name"
        }
    }

    Context 'Help' {
        BeforeAll {
            # Each command's help as written in powershell/Public (comment-based help of the source
            # function, in a child pwsh), beside the built module's (the MAML file under en-US that
            # build.ps1 writes from it): every view, as a user reads it, in a non-English culture
            # too (the file is found through PowerShell's fallback to en-US).
            $script:helpViews = 'Get-Help $n | Out-String -Width 150; Get-Help $n -Full | Out-String -Width 150; ' +
            'Get-Help $n -Examples | Out-String -Width 150; Get-Help $n -Parameter * | Out-String -Width 150; ' +
            '(Get-Help $n).relatedLinks.navigationLink.uri'
            $names = "'$(@((Get-Module GitHubOidc).ExportedCommands.Keys) -join "', '")'"
            $read = {
                param([string] $prelude, [string] $define)
                $out = Invoke-Pwsh -NoProfile -NonInteractive -Command "$prelude; `$help = [ordered]@{}; foreach (`$n in $names) { $define; `$help[`$n] = @($script:helpViews) -join ""``n"" }; `$help | ConvertTo-Json -Compress"
                $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
                @($out)[-1] | ConvertFrom-Json -AsHashtable
            }
            $public = Join-Path $script:RepoRoot 'powershell/Public'
            $script:sourceHelp = & $read '$null = 0' ". (Join-Path '$public' `"`$n.ps1`")"
            $script:builtHelp = & $read "[cultureinfo]::CurrentUICulture = 'de-DE'; Import-Module '$(Get-TestModulePath)'" '$null = 0'
        }

        It 'shows the help written in powershell/Public, in every view: <Name>' -ForEach $script:commandCases {
            $script:builtHelp[$Name] | Should -Not -BeNullOrEmpty
            $script:builtHelp[$Name] | Should -BeExactly $script:sourceHelp[$Name]
            $script:builtHelp[$Name] | Should -Match 'EXAMPLE 2'
        }

        It 'parses no help text at import: each signature names the MAML file' {
            foreach ($function in (Get-Module GitHubOidc).ExportedFunctions.Values) {
                $help = $function.ScriptBlock.Ast.GetHelpContent()
                $help.MamlHelpFile | Should -Be 'GitHubOidc.psm1-help.xml' -Because $function.Name
                $help.Synopsis | Should -BeNullOrEmpty -Because $function.Name
            }
            Test-Path -LiteralPath (Join-Path (Get-TestModulePath) 'en-US/GitHubOidc.psm1-help.xml') | Should -BeTrue
            # The compiled cmdlet's help: where PowerShell looks for it, by its assembly's name.
            (Get-Command Get-GitHubOidcSubjectClaim).HelpFile | Should -Be 'GitHubOidc.Native.dll-Help.xml'
            Test-Path -LiteralPath (Join-Path (Get-TestModulePath) 'en-US/GitHubOidc.Native.dll-Help.xml') | Should -BeTrue
        }
    }

    Context 'Exports' {
        It 'exports exactly the manifest functions and cmdlets that exist, and nothing private' {
            $exported = @((Get-Module GitHubOidc).ExportedFunctions.Keys | Sort-Object)
            $exported | Should -Not -BeNullOrEmpty
            $exported | Should -Be @($script:manifest.FunctionsToExport | Sort-Object)
            foreach ($name in 'Get-GitHubOidcClaim', 'Set-GitHubOidcSubjectClaim', 'Get-GitHubOidcContext') {
                $exported | Should -Contain $name
            }
            foreach ($private in 'New-GitHubOidcErrorRecord', 'Invoke-GitHubOidcNative', 'Initialize-GitHubOidcContext', 'Import-GitHubOidcImplementation') {
                $exported | Should -Not -Contain $private
            }
            @((Get-Module GitHubOidc).ExportedCmdlets.Keys) | Should -Be @($script:manifest.CmdletsToExport)
            # Every command of powershell/Public, compiled or not, is exported.
            $public = @(Get-ChildItem (Join-Path $script:RepoRoot 'powershell/Public') -Filter *.ps1 | ForEach-Object BaseName | Sort-Object)
            @((Get-Module GitHubOidc).ExportedCommands.Keys | Sort-Object) | Should -Be $public
            @((Get-Module GitHubOidc).ExportedAliases.Keys).Count | Should -Be 0
            @((Get-Module GitHubOidc).ExportedVariables.Keys).Count | Should -Be 0
        }

        It 'reports the native library version' {
            $version = [GitHubOidc.Native.NativeClient]::Invoke([GitHubOidc.Native.VersionRequest]::new()).Value
            $version['version'] | Should -Be (Get-WorkspaceVersion)
            $version['user_agent'] | Should -Match 'GitHubOidc'
        }
    }

    Context 'Command <Name>' -ForEach $script:commandCases {
        BeforeAll {
            $script:command = Get-Command -Name $Name -Module GitHubOidc
            $script:help = Get-Help -Name $Name -Full
        }

        It 'supports ShouldProcess only if it changes something' {
            $script:command.Parameters.ContainsKey('WhatIf') | Should -Be $ShouldProcess
            $script:command.Parameters.ContainsKey('Confirm') | Should -Be $ShouldProcess
        }

        It 'declares OutputType' {
            $script:command.OutputType | Should -Not -BeNullOrEmpty
        }

        It 'has a synopsis, a description, notes and links' {
            $script:help.Synopsis | Should -Not -BeNullOrEmpty
            $script:help.Synopsis | Should -Not -Match '^\s*\w+-\w+ \['
            ($script:help.Description | Out-String) | Should -Not -BeNullOrEmpty
            ($script:help.alertSet | Out-String).Trim() | Should -Not -BeNullOrEmpty
            @($script:help.relatedLinks.navigationLink).Count | Should -BeGreaterOrEqual 1
        }

        It 'has at least two examples' {
            @($script:help.examples.example).Count | Should -BeGreaterOrEqual 2
            foreach ($example in $script:help.examples.example) {
                $example.code | Should -Not -BeNullOrEmpty
                ($example.remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
            }
        }

        It 'documents every parameter' {
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
            foreach ($parameter in $script:command.Parameters.Keys | Where-Object { $_ -notin $common }) {
                $entry = $script:help.parameters.parameter | Where-Object name -EQ $parameter
                ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs help text"
            }
        }
    }

    Context 'Parameters' {
        It '<_> takes -Context' -ForEach 'Get-GitHubOidcClaim', 'Get-GitHubOidcSubjectClaim', 'Set-GitHubOidcSubjectClaim', 'Get-GitHubOidcContext' {
            (Get-Command $_).Parameters.ContainsKey('Context') | Should -BeTrue
        }

        It 'names the parameter sets as the API operations' {
            (Get-Command Get-GitHubOidcSubjectClaim).ParameterSets.Name | Sort-Object | Should -Be @(
                'Get the customization template for an OIDC subject claim for a repository'
                'Get the customization template for an OIDC subject claim for an organization'
            )
            (Get-Command Set-GitHubOidcSubjectClaim).ParameterSets.Name | Sort-Object | Should -Be @(
                'Set the customization template for an OIDC subject claim for a repository'
                'Set the customization template for an OIDC subject claim for an organization'
            )
        }

        It 'pins one Pester version: build.ps1 and every test file agree' {
            $root = Split-Path $PSScriptRoot -Parent
            (Get-Content (Join-Path $root 'build.ps1') -Raw) -match "\`$PesterVersion = '([\d.]+)'" | Should -BeTrue
            $pinned = $Matches[1]
            foreach ($file in Get-ChildItem (Join-Path $root 'tests') -Filter *.Tests.ps1) {
                (Get-Content $file.FullName -TotalCount 1) | Should -Be "#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '$pinned' }" -Because $file.Name
            }
        }

        It 'gives -Owner the same aliases on every command (<_>)' -ForEach @(
            (Get-Command -Module GitHubOidc | Where-Object { $_.Parameters.ContainsKey('Owner') }).Name
        ) {
            (Get-Command $_).Parameters['Owner'].Aliases | Sort-Object | Should -Be @('Org', 'Organization', 'User')
        }

        It 'names the parameter sets of the property-inclusion commands as the API operations' {
            (Get-Command Add-GitHubOidcPropertyClaim).ParameterSets.Name | Sort-Object | Should -Be @(
                'Create an OIDC custom property inclusion for an enterprise'
                'Create an OIDC custom property inclusion for an organization'
            )
        }

        It '<Command> -Owner aliases Organization and User, -Repository aliases Repo, both bind by property name' -ForEach @(
            @{ Command = 'Get-GitHubOidcSubjectClaim' }
            @{ Command = 'Set-GitHubOidcSubjectClaim' }
        ) {
            $parameters = (Get-Command $Command).Parameters
            $parameters.Owner.Aliases | Should -Contain 'Organization'
            $parameters.Owner.Aliases | Should -Contain 'User'
            $parameters.Repository.Aliases | Should -Contain 'Repo'
            foreach ($name in 'Owner', 'Repository') {
                @($parameters[$name].Attributes | Where-Object { $_ -is [Parameter] -and $_.ValueFromPipelineByPropertyName }).Count |
                    Should -BeGreaterThan 0
            }
        }

        It 'Set-GitHubOidcSubjectClaim has the documented parameter types' {
            $parameters = (Get-Command Set-GitHubOidcSubjectClaim).Parameters
            $parameters.IncludeClaimKeys.ParameterType | Should -Be ([string[]])
            $parameters.UseDefault.ParameterType | Should -Be ([switch])
            $parameters.AllowUnknownClaimKey.ParameterType | Should -Be ([switch])
            $parameters.PassThru.ParameterType | Should -Be ([switch])
            $parameters.UseImmutableSubject.ParameterType | Should -Be ([bool])
        }

        It 'IncludeClaimKeys is not mandatory (a repository can opt in to its organization template without keys)' {
            $attributes = (Get-Command Set-GitHubOidcSubjectClaim).Parameters.IncludeClaimKeys.Attributes | Where-Object { $_ -is [Parameter] }
            $attributes.Mandatory | Should -Not -Contain $true
        }
    }

    Context 'Script layer' {
        It 'does no HTTP, JSON or URL work in PowerShell' {
            $root = Get-TestModulePath
            $files = Get-ChildItem -LiteralPath $root -Recurse -Include '*.ps1', '*.psm1'
            foreach ($file in $files) {
                $text = Get-Content -LiteralPath $file.FullName -Raw
                # The one exception (Test-GitHubOidcTrustPolicy): a policy given as an object
                # (parsed JSON, a hashtable) is turned into the JSON text the native library reads.
                $text = $text -replace [regex]::Escape('$policyText = ConvertTo-Json -InputObject $Policy -Depth 100 -Compress'), ''
                $text | Should -Not -Match 'Invoke-RestMethod|Invoke-WebRequest|ConvertFrom-Json|ConvertTo-Json|System\.Net\.Http' -Because $file.Name
            }
        }
    }
}
