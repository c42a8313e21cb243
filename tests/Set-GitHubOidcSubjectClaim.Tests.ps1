#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Set-GitHubOidcSubjectClaim against the fake GitHub server: what is sent is asserted on the
# server's request log.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:context = $script:fake.Context()

    function Invoke-ChildPwsh {
        # Runs a script in a child pwsh (with a console host) that has the module and $ctx.
        param([string] $Script, [string] $InputText = '')
        $file = Join-Path ([System.IO.Path]::GetTempPath()) "gho-child-$PID-$([guid]::NewGuid().ToString('n')).ps1"
        $prologue = "Import-Module '$(Get-TestModulePath)'; `$ctx = @{ HostName = 'github.com'; ApiBaseUri = '$($script:fake.BaseUrl)'; " +
        "IssuerUri = '$($script:fake.BaseUrl)'; Token = 'test-admin-token' }`n"
        Set-Content -LiteralPath $file -Value ($prologue + $Script)
        try {
            $InputText | Invoke-Pwsh -NoProfile -File $file 2>&1 | ForEach-Object { "$_" }
        } finally {
            Remove-Item -LiteralPath $file -ErrorAction Ignore
        }
    }

    function Get-PutBody {
        param([string] $PathLike = '*')
        $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT -PathLike $PathLike)
        $puts.Count | Should -Be 1 -Because 'exactly one PUT is expected'
        $puts[0].body
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Set-GitHubOidcSubjectClaim' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    Context 'Organization' {
        It 'sets the organization keys' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repository_owner_id, context -Context $script:context
            $request = @(Get-FakeRequests -Fake $script:fake -Method PUT)[0]
            $request.path | Should -Be '/orgs/octo-org/actions/oidc/customization/sub'
            $request.body.include_claim_keys | Should -Be @('repository_owner_id', 'context')
            $request.body.PSObject.Properties.Name | Should -Not -Contain 'use_default'
            (Get-GitHubOidcSubjectClaim -Owner octo-org -Context $script:context).IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
        }

        It 'resets the organization template to repo, context with -UseDefault' {
            Set-GitHubOidcSubjectClaim -Owner custom-org -UseDefault -Context $script:context
            (Get-PutBody).include_claim_keys | Should -Be @('repo', 'context')
        }

        It 'returns nothing without -PassThru and the template read back with it' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, context, job_workflow_ref -Context $script:context | Should -BeNullOrEmpty
            $result = Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repository_id, context -Context $script:context -PassThru
            $result.PSObject.TypeNames | Should -Contain 'GitHubOidc.SubjectClaim'
            $result.IncludeClaimKeys | Should -Be @('repository_id', 'context')
            $result.Customized | Should -BeTrue
            @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike '/orgs/*').Count | Should -Be 1
        }

        It 'fails with GitHubOidc.InvalidArgument when there is nothing to set' {
            { Set-GitHubOidcSubjectClaim -Owner octo-org -Context $script:context -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument,*'
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
        }
    }

    Context 'Repository' {
        It 'sets custom keys (use_default false)' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context, job_workflow_ref -Context $script:context
            $body = Get-PutBody
            $body.use_default | Should -BeFalse
            $body.include_claim_keys | Should -Be @('repo', 'context', 'job_workflow_ref')
            $template = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $script:context
            $template.UseDefault | Should -BeFalse
            $template.IncludeClaimKeys | Should -Be @('repo', 'context', 'job_workflow_ref')
        }

        It 'resets to the default format with -UseDefault alone' {
            Set-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -UseDefault -Context $script:context
            $body = Get-PutBody
            $body.use_default | Should -BeTrue
            $body.PSObject.Properties.Name | Should -Not -Contain 'include_claim_keys'
            (Get-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -Context $script:context).UseDefault | Should -BeTrue
        }

        It 'opts in to the organization template with -UseDefault:$false and no keys' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault:$false -Context $script:context
            $body = Get-PutBody
            $body.use_default | Should -BeFalse
            $body.PSObject.Properties.Name | Should -Not -Contain 'include_claim_keys'
        }

        It 'accepts -UseDefault with keys (PSModule/GitHub style): sends use_default true and warns that keys are ignored' {
            Set-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -UseDefault -IncludeClaimKeys repo, context -Context $script:context -WarningVariable warnings -WarningAction SilentlyContinue
            $body = Get-PutBody
            $body.use_default | Should -BeTrue
            $body.PSObject.Properties.Name | Should -Not -Contain 'include_claim_keys'
            ($warnings -join ' ') | Should -Match 'ignored'
        }

        It 'sets -UseImmutableSubject alone and keeps the current template' {
            Set-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -UseImmutableSubject $true -Context $script:context
            $body = Get-PutBody
            $body.use_immutable_subject | Should -BeTrue
            $body.use_default | Should -BeFalse
            $body.include_claim_keys | Should -Be @('repo', 'context', 'job_workflow_ref')
        }

        It 'returns the repository template read back with -PassThru' {
            $result = Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repository_id, context -Context $script:context -PassThru
            $result.Repository | Should -Be 'octo-repo'
            $result.UseDefault | Should -BeFalse
            $result.IncludeClaimKeys | Should -Be @('repository_id', 'context')
        }

        It 'accepts -Organization, -User and -Repo aliases' {
            Set-GitHubOidcSubjectClaim -Organization octo-org -Repo octo-repo -UseDefault -Context $script:context
            Set-GitHubOidcSubjectClaim -User octo-org -Repo octo-repo -UseDefault -Context $script:context
            @(Get-FakeRequests -Fake $script:fake -Method PUT -PathLike '/repos/octo-org/octo-repo/*').Count | Should -Be 2
        }
    }

    Context 'ShouldProcess' {
        It '-WhatIf sends no PUT (nor any other request)' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context -Context $script:context -WhatIf
            Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, context -Context $script:context -WhatIf
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
            @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0
        }

        It '-WhatIf names the target and shows the exact request (<Expected>)' -ForEach @(
            @{ Arguments = '-Owner octo-org -Repository octo-repo -UseDefault'; Expected = 'OIDC subject claim for repository [octo-org/octo-repo]'
                Request = 'PUT {0}/repos/octo-org/octo-repo/actions/oidc/customization/sub {{"use_default":true}}' }
            @{ Arguments = '-Owner octo-org -UseDefault'; Expected = 'OIDC subject claim for organization [octo-org]'
                Request = 'PUT {0}/orgs/octo-org/actions/oidc/customization/sub {{"include_claim_keys":["repo","context"]}}' }
            @{ Arguments = '-Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context, job_workflow_ref'; Expected = 'OIDC subject claim for repository [octo-org/octo-repo]'
                Request = 'PUT {0}/repos/octo-org/octo-repo/actions/oidc/customization/sub {{"use_default":false,"include_claim_keys":["repo","context","job_workflow_ref"]}}' }
        ) {
            # The WhatIf line goes straight to the host, so it is read from a child pwsh.
            $output = Invoke-ChildPwsh -Script "Set-GitHubOidcSubjectClaim $Arguments -Context `$ctx -WhatIf"
            $text = ($output -join ' ') -replace '\s+', ' '
            $sent = $Request -f $script:fake.BaseUrl
            $text.Contains("What if: Performing the operation `"Set ($sent)`" on target `"$Expected`"") | Should -BeTrue -Because $text
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
        }

        It '-Confirm prompts with the target; answering <Answer> sends <Puts> PUT' -ForEach @(
            @{ Answer = 'N'; Puts = 0 }
            @{ Answer = 'Y'; Puts = 1 }
        ) {
            $output = Invoke-ChildPwsh -Script 'Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault -Context $ctx -Confirm' -InputText $Answer
            $text = ($output -join ' ') -replace '\s+', ' '
            $text.Contains('Are you sure you want to perform this action?') | Should -BeTrue -Because $text
            $text.Contains('Performing the operation "Set (PUT ') | Should -BeTrue -Because $text
            $text.Contains('{"use_default":true})" on target "OIDC subject claim for repository [octo-org/octo-repo]"') | Should -BeTrue -Because $text
            $sentPuts = @(Get-FakeRequests -Fake $script:fake -Method PUT)
            $sentPuts.Count | Should -Be $Puts
            if ($Puts) {
                # What was shown is what was sent.
                $sentPuts[0].raw_body | Should -Be '{"use_default":true}'
            }
        }

        It 'writes the ShouldProcess message to the verbose stream' {
            $output = Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -UseDefault -Context $script:context -Verbose 4>&1 | Out-String
            $output | Should -Match 'Performing the operation "Set \(PUT \S+ \{"use_default":true\}\)" on target "OIDC subject claim for repository \[octo-org/octo-repo\]"'
        }
    }

    Context 'Claim key validation (before anything is sent)' {
        It 'rejects <Case> with GitHubOidc.InvalidArgument' -ForEach @(
            @{ Case = 'a key with invalid characters'; Keys = @('repo', 'bad key'); Pattern = 'bad key' }
            @{ Case = 'a duplicate key'; Keys = @('repo', 'context', 'repo'); Pattern = 'repo' }
            @{ Case = 'an empty key'; Keys = @('repo', ''); Pattern = '.' }
        ) {
            $record = $null
            try {
                Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys $Keys -Context $script:context -ErrorAction Stop
            } catch {
                $record = $_
            }
            $record | Should -Not -BeNullOrEmpty
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
            $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
            "$record" | Should -Match ([regex]::Escape($Pattern))
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
        }

        It 'rejects an unknown key and names the closest valid keys' {
            $record = $null
            try {
                Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, repositroy_owner -Context $script:context -ErrorAction Stop
            } catch {
                $record = $_
            }
            $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
            "$record" | Should -Match 'repositroy_owner'
            "$record" | Should -Match 'repository_owner'
            "$record" | Should -Match 'AllowUnknownClaimKey'
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
        }

        It 'accepts repo_property_* keys' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, repo_property_team, context -Context $script:context -ErrorAction SilentlyContinue
            (Get-PutBody).include_claim_keys | Should -Contain 'repo_property_team'
        }

        It 'sends an unknown key with -AllowUnknownClaimKey' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -IncludeClaimKeys repo, brand_new_claim -AllowUnknownClaimKey -Context $script:context -ErrorAction SilentlyContinue
            (Get-PutBody).include_claim_keys | Should -Be @('repo', 'brand_new_claim')
        }
    }

    Context 'Pipeline from Get-GitHubOidcSubjectClaim' {
        It 'copies a repository template with custom keys' {
            Get-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -Context $script:context |
                Set-GitHubOidcSubjectClaim -Repository opted-in -Context $script:context
            $body = Get-PutBody -PathLike '/repos/custom-org/opted-in/*'
            $body.use_default | Should -BeFalse
            $body.include_claim_keys | Should -Be @('repo', 'context', 'job_workflow_ref')
        }

        It 'checks the keys before -WhatIf: a misspelled key is an error and nothing is sent' {
            Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, enviroment -Context $script:context -WhatIf -ErrorAction SilentlyContinue -ErrorVariable failure
            @($failure).Count | Should -Be 1
            $failure[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument,*'
            "$($failure[0])" | Should -Match "'environment'"
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
        }

        It 'round-trips a repository that uses the default (UseDefault true, no keys)' {
            Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $script:context |
                Set-GitHubOidcSubjectClaim -Context $script:context
            $body = Get-PutBody
            $body.use_default | Should -BeTrue
            $body.PSObject.Properties.Name | Should -Not -Contain 'include_claim_keys'
        }

        It 'does not copy use_immutable_subject from the pipeline (it reads false on immutable repositories)' {
            $source = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository new-repo -Context $script:context
            $source.UseImmutableSubject | Should -BeFalse
            $source | Set-GitHubOidcSubjectClaim -Repository octo-repo -Context $script:context
            $body = Get-PutBody
            $body.use_default | Should -BeTrue
            $body.PSObject.Properties.Name | Should -Not -Contain 'use_immutable_subject'
        }

        It 'round-trips a repository opted in to its organization template' {
            Get-GitHubOidcSubjectClaim -Owner custom-org -Repository opted-in -Context $script:context |
                Set-GitHubOidcSubjectClaim -Context $script:context
            $body = Get-PutBody
            $body.use_default | Should -BeFalse
            $body.PSObject.Properties.Name | Should -Not -Contain 'include_claim_keys'
        }

        It 'pipes an organization object into the organization parameter set' {
            Get-GitHubOidcSubjectClaim -Owner custom-org -Context $script:context |
                Set-GitHubOidcSubjectClaim -Context $script:context
            $request = @(Get-FakeRequests -Fake $script:fake -Method PUT)[0]
            $request.path | Should -Be '/orgs/custom-org/actions/oidc/customization/sub'
            $request.body.include_claim_keys | Should -Be @('repository_owner_id', 'context')
        }

        It 'applies one template to many repositories and continues after an error' {
            $targets = 'octo-repo', 'no-such-repo', 'new-repo' | ForEach-Object { [pscustomobject]@{ Owner = 'octo-org'; Repository = $_ } }
            $targets | Set-GitHubOidcSubjectClaim -IncludeClaimKeys repository_owner_id, context -Context $script:context -ErrorAction SilentlyContinue -ErrorVariable allErrors
            @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 3
            $errors = @($allErrors)
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound,*'
            $errors[0].TargetObject | Should -Be 'octo-org/no-such-repo'
            (Get-GitHubOidcSubjectClaim -Owner octo-org -Repository new-repo -Context $script:context).IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
        }
    }
}
